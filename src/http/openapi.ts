import type { Application } from 'express';
import { z } from 'zod';
import { isGuard, routeDocOf, type RouteDoc } from './route-docs.js';

export interface MountedRoute {
  method: string;
  /** Express's pattern: `/api/v1/events/:id`. */
  path: string;
  doc: RouteDoc | undefined;
}

interface LayerLike {
  route?: { path: unknown; stack: Array<{ method?: string; handle: unknown }> };
  handle?: { stack?: LayerLike[] };
}

/**
 * Every route and method the app really mounts, found by walking express's router stack (routers mounted
 * at the root, and routers inside those). `.all(...)` catch-alls (405 answers) are not routes of their own.
 */
export function mountedRoutes(app: Application): MountedRoute[] {
  const found: MountedRoute[] = [];
  const walk = (stack: LayerLike[]) => {
    for (const layer of stack) {
      // A guard in front of another router's route is that route's, documented there.
      if (layer.route?.stack.some((entry) => isGuard(entry.handle))) continue;
      if (layer.route && typeof layer.route.path === 'string') {
        const path = layer.route.path;
        const methods = new Map<string, RouteDoc | undefined>();
        for (const entry of layer.route.stack) {
          if (!entry.method || entry.method === '_all') continue;
          const method = entry.method.toUpperCase();
          methods.set(method, methods.get(method) ?? routeDocOf(entry.handle));
        }
        for (const [method, doc] of methods) {
          if (method === 'HEAD' && methods.has('GET')) continue;
          found.push({ method, path, doc });
        }
      } else if (Array.isArray(layer.handle?.stack)) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack);
  return found;
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'HUB_ERR_… from the catalogue' },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
        requestId: { type: 'string', description: 'the X-Request-Id of the request' },
      },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** `/api/v1/events/:id` -> `/api/v1/events/{id}` */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*([A-Za-z0-9_]+)/g, '{$1}');
}

function operation(route: MountedRoute & { doc: RouteDoc }): Record<string, unknown> {
  const { doc } = route;
  const names = [...route.path.matchAll(/[:*]([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
  const paramShape = (doc.params?.shape ?? {}) as Record<string, z.ZodType>;
  const parameters: unknown[] = names.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: paramShape[name] ? jsonSchema(paramShape[name], 'input') : { type: 'string' },
    ...(paramShape[name]?.description ? { description: paramShape[name].description } : {}),
  }));
  for (const [name, schema] of Object.entries<z.ZodType>(doc.query?.shape ?? {})) {
    parameters.push({
      name,
      in: 'query',
      required: !schema.safeParse(undefined).success,
      schema: jsonSchema(schema, 'input'),
      ...(schema.description ? { description: schema.description } : {}),
    });
  }
  for (const [name, schema] of Object.entries<z.ZodType>(doc.headers?.shape ?? {})) {
    parameters.push({
      name,
      in: 'header',
      required: !schema.safeParse(undefined).success,
      schema: jsonSchema(schema, 'input'),
      ...(schema.description ? { description: schema.description } : {}),
    });
  }
  const body = doc.body ?? doc.documentedBody;
  const bodies = doc.bodies ?? (body ? { 'application/json': body } : undefined);
  const success = doc.response;
  const okContent =
    success === undefined
      ? undefined
      : success instanceof z.ZodType
        ? { 'application/json': { schema: jsonSchema(success, 'output') } }
        : { [success.contentType]: { schema: { type: 'string' } } };
  const responses: Record<string, unknown> = {
    [String(doc.status ?? 200)]: {
      description: success && !(success instanceof z.ZodType) ? success.description : 'success',
      ...(okContent ? { content: okContent } : {}),
    },
  };
  for (const [status, description] of Object.entries(doc.alsoSucceeds ?? {}))
    responses[status] = { description, ...(okContent ? { content: okContent } : {}) };
  for (const [status, description] of Object.entries(doc.redirects ?? {}))
    responses[status] = { description, headers: { Location: { schema: { type: 'string' } } } };
  const errors: Record<number, string> = { ...doc.errors };
  // Every route refuses a path or query parameter holding a control character, an unpaired surrogate or bad
  // percent-encoding (src/http/parameters.ts), before its own validation.
  errors[400] ??=
    bodies || doc.query ? 'invalid request (the fields at fault are named)' : 'invalid path or query parameter';
  if (names.length > 0) errors[404] ??= 'nothing by that name or id';
  if (bodies) {
    errors[413] ??= 'the body is larger than the limit';
    errors[415] ??= 'the body is not of a documented media type or encoding';
  }
  if (doc.auth) errors[401] ??= 'missing or wrong bearer token';
  for (const [status, description] of Object.entries(errors)) {
    responses[status] = {
      description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, next: string | undefined) => (next ? next.toUpperCase() : ''))}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.tags ? { tags: doc.tags } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(bodies
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              Object.entries(bodies).map(([type, schema]) => [type, { schema: jsonSchema(schema, 'input') }]),
            ),
          },
        }
      : {}),
    ...(doc.auth ? { security: [{ [doc.auth === 'admin' ? 'adminToken' : 'metricsToken']: [] }] } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of every documented route the app mounts. */
export function openApiDocument(
  app: Application,
  info: { version: string; serverUrl: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of mountedRoutes(app)) {
    if (!route.doc) continue;
    const path = openApiPath(route.path);
    paths[path] = {
      ...paths[path],
      [route.method.toLowerCase()]: operation(route as MountedRoute & { doc: RouteDoc }),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Alvares',
      version: info.version,
      description: 'Deployment-integration hub: ingest, events, modules, schedules, metrics and run-time control.',
    },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN (only when set)' },
      },
    },
  };
}
