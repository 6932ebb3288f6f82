/**
 * A JSON body as a test reads it from the outside: untyped on purpose, like supertest's `res.body`. What the
 * body must hold is what the test asserts; restating the API's types here would check nothing more.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test's view of a JSON body is untyped (see above)
export type Json = any;
