import { startTestHub, type TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';

/** The source routes in the OpenAPI document: their headers, their bodies by media type, and their 202s. */
describe('the OpenAPI document of the source routes', () => {
  let hub: TestHub;
  let paths: Record<string, Json>;

  beforeAll(async () => {
    hub = await startTestHub({ modules: [] });
    paths = ((await (await fetch(`${hub.url}/api/v1/openapi.json`)).json()) as Json).paths;
  });
  afterAll(async () => {
    await hub.stop();
  });

  const headers = (operation: Json) =>
    Object.fromEntries(
      operation.parameters
        .filter((p: { in: string }) => p.in === 'header')
        .map((p: { name: string; required: boolean }) => [p.name, p.required]),
    );

  it('documents POST /api/v1/cdevents with the three content modes, the ce-* headers and a 202', () => {
    const operation = paths['/api/v1/cdevents'].post;
    expect(Object.keys(operation.requestBody.content)).toEqual([
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/json',
    ]);
    expect(operation.requestBody.content['application/cloudevents-batch+json'].schema.type).toBe('array');
    expect(operation.requestBody.content['application/cloudevents+json'].schema.properties).toHaveProperty('data');
    expect(headers(operation)).toEqual({
      'ce-specversion': false,
      'ce-id': false,
      'ce-source': false,
      'ce-type': false,
      'ce-subject': false,
      'ce-time': false,
      'ce-dataschema': false,
    });
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '401', '415']));
  });

  it('documents the GitHub and GitLab webhooks with their required headers and the event bodies they read', () => {
    const github = paths['/api/v1/github'].post;
    expect(headers(github)).toEqual({ 'X-Hub-Signature-256': true, 'X-GitHub-Event': true, 'X-GitHub-Delivery': true });
    const statusBody = github.requestBody.content['application/json'].schema.anyOf[0];
    expect(statusBody.required).toEqual(expect.arrayContaining(['deployment_status', 'deployment', 'repository']));
    expect(Object.keys(github.responses)).toEqual(expect.arrayContaining(['200', '202', '401', '404']));

    const gitlab = paths['/api/v1/gitlab'].post;
    expect(headers(gitlab)).toEqual({ 'X-Gitlab-Token': true, 'X-Gitlab-Event': false });
    expect(gitlab.requestBody.content['application/json'].schema.properties.object_kind).toMatchObject({
      const: 'deployment',
    });
  });
});
