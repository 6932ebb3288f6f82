import { mountedRoutes, openApiPath } from '../../src/http/openapi.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';

/**
 * The OpenAPI document is generated from the routes the app really mounts (express's router stack) and the
 * zod schemas they validate with. A route added without `doc({...})` as its first handler fails here, by name.
 */
describe('GET /api/v1/openapi.json', () => {
  let hub: TestHub;
  let document: Json;

  beforeAll(async () => {
    hub = await startTestHub({ env: { ADMIN_TOKEN: 'admin-token-for-openapi' } });
    const res = await fetch(`${hub.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    document = await res.json();
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('documents every route and method the app mounts, and nothing it does not', () => {
    const mounted = mountedRoutes(hub.hub.app!);
    expect(mounted.length).toBeGreaterThan(25);
    const undocumented = mounted
      .filter((route) => !route.doc)
      .map((route) => `${route.method} ${route.path}: add doc({...}) as its first handler`);
    expect(undocumented).toEqual([]);

    const inApp = mounted.map((route) => `${route.method} ${openApiPath(route.path)}`).sort();
    const inDocument = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(inDocument).toEqual([...new Set(inApp)]);
    for (const expected of [
      'PUT /api/v1/deployment',
      'GET /metrics',
      'GET /api/v1/admin/heartbeat',
      'PUT /api/v1/admin/modules/{name}/config',
      'GET /api/v1/deployments/latest',
    ]) {
      expect(inDocument).toContain(expected);
    }
  });

  it('is OpenAPI 3.1 with path parameters declared, unique operation ids and bearer security on admin routes', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('0.1.0');
    const ids: string[] = [];
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const operation of Object.values(operations)) {
        ids.push(operation.operationId);
        expect(operation.summary).toEqual(expect.any(String));
        const declared = (operation.parameters ?? [])
          .filter((parameter: { in: string }) => parameter.in === 'path')
          .map((parameter: { name: string }) => parameter.name);
        expect({ path, declared }).toEqual({ path, declared: names });
        if (path.startsWith('/api/v1/admin/')) expect(operation.security).toEqual([{ adminToken: [] }]);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.components.securitySchemes.adminToken).toEqual({
      type: 'http',
      scheme: 'bearer',
      description: 'ADMIN_TOKEN',
    });
  });

  it('carries the zod schemas the routes validate with', () => {
    const deployment = document.paths['/api/v1/deployment'].put.requestBody.content['application/json'].schema;
    expect(Object.keys(deployment.properties)).toEqual(
      expect.arrayContaining(['applicationName', 'cluster', 'slackChannels', 'importance']),
    );
    const level = document.paths['/api/v1/admin/loggers/{name}'].put.requestBody.content['application/json'].schema;
    expect(level.properties.level.anyOf ?? level.properties.level.oneOf ?? [level.properties.level]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ enum: expect.arrayContaining(['error', 'warn', 'info', 'debug']) }),
      ]),
    );
    expect(level.properties.ttlSeconds).toMatchObject({ type: 'integer', minimum: 1 });
    expect(level.additionalProperties).toBe(false);
    const heartbeat = document.paths['/api/v1/admin/heartbeat'].get.responses['200'].content['application/json'].schema;
    expect(heartbeat.properties.replicas.items.required).toEqual(
      expect.arrayContaining(['hubId', 'eventLoopLagMs', 'cpuPercent', 'queueDepth']),
    );
    expect(document.paths['/api/v1/admin/shutdown'].post.responses['202']).toBeDefined();
    expect(
      document.paths['/api/v1/admin/modules/{name}/config'].put.responses['400'].content['application/json'].schema,
    ).toEqual({ $ref: '#/components/schemas/Error' });
  });
});
