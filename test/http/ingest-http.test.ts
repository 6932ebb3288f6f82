import request from 'supertest';
import { aspenDeployment, aspenError, HOSTS_ENV } from '../support/aspen.js';
import { startTestHub, type TestHub } from '../support/hub.js';

describe('the ingest API', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ env: HOSTS_ENV });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it.each(['deployment', 'error', 'recommendation'])('accepts PUT and POST on /api/v1/%s', async (type) => {
    const body = type === 'deployment' ? aspenDeployment() : aspenError({ message: `hello ${type}` });
    const put = await request(hub.url).put(`/api/v1/${type}`).send(body).expect(200);
    const post = await request(hub.url)
      .post(`/api/v1/${type}`)
      .send({ ...body, version: 'post' })
      .expect(200);
    expect(put.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(post.body.id).not.toBe(put.body.id);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .set('Content-Type', 'text/plain')
      .send('applicationName=x')
      .expect(415);
    expect(res.body.error.code).toBe('HUB_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses broken JSON with 400', async () => {
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .set('Content-Type', 'application/json')
      .send('{"applicationName":')
      .expect(400);
    expect(res.body.error.code).toBe('HUB_ERR_INVALID_JSON');
  });

  it('names every bad field', async () => {
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: null, replicas: -2, slackChannels: 42 }))
      .expect(400);
    expect(res.body.error.code).toBe('HUB_ERR_VALIDATION');
    expect(res.body.error.fields.map((field: { field: string }) => field.field)).toEqual(
      expect.arrayContaining(['applicationName', 'replicas', 'slackChannels']),
    );
  });

  it('refuses a JSON array or scalar as the body', async () => {
    await request(hub.url)
      .put('/api/v1/error')
      .send([{ message: 'x' }])
      .expect(400);
    await request(hub.url).put('/api/v1/error').set('Content-Type', 'application/json').send('"x"').expect(400);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const res = await request(hub.url)
      .put('/api/v1/error')
      .send({ message: 'big', stackTrace: 'x'.repeat(1024 * 1024 + 10) })
      .expect(413);
    expect(res.body.error.code).toBe('HUB_ERR_BODY_TOO_LARGE');
  });

  it('refuses deeply nested bodies early', async () => {
    const res = await request(hub.url)
      .put('/api/v1/error')
      .set('Content-Type', 'application/json')
      .send('['.repeat(200_000))
      .expect(400);
    expect(res.body.error.code).toBe('HUB_ERR_TOO_DEEP');
  });

  it('answers 404 and 405 as JSON', async () => {
    const missing = await request(hub.url).get('/api/v1/nothing').expect(404);
    expect(missing.body.error.code).toBe('HUB_ERR_NOT_FOUND');
    const wrong = await request(hub.url).delete('/api/v1/deployment').expect(405);
    expect(wrong.headers.allow).toBe('PUT, POST');
    expect(wrong.body.error.code).toBe('HUB_ERR_METHOD_NOT_ALLOWED');
  });

  it('keeps unknown fields in the raw body but not in the enriched payload', async () => {
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ sneaky: '<script>', version: 'raw-1' }))
      .expect(200);
    const event = await request(hub.url).get(`/api/v1/events/${res.body.id}`).expect(200);
    expect(event.body.raw.sneaky).toBe('<script>');
    expect(event.body.payload.sneaky).toBeUndefined();
  });

  it('answers 404 for an event id that is not a uuid or not stored', async () => {
    await request(hub.url).get('/api/v1/events/not-a-uuid').expect(404);
    await request(hub.url).get('/api/v1/events/00000000-0000-4000-8000-000000000000').expect(404);
  });

  describe('dry run', () => {
    it('returns the enriched deployment and stores nothing', async () => {
      const before = await request(hub.url).get('/api/v1/deployments?cluster=dry').expect(200);
      const res = await request(hub.url)
        .post('/api/v1/deployment/enrich')
        .send(aspenDeployment({ cluster: 'dry' }))
        .expect(200);
      expect(res.body).toMatchObject({
        applicationPath: '/kth-azure-app',
        importance: 'high',
        cluster: 'dry',
        applicationUrl: 'https://app.example.test/kth-azure-app',
      });
      const after = await request(hub.url).get('/api/v1/deployments?cluster=dry').expect(200);
      expect(after.body.deployments).toHaveLength(before.body.deployments.length);
    });
    it('validates like the real route', async () => {
      await request(hub.url).post('/api/v1/deployment/enrich').send({ replicas: 1 }).expect(400);
      await request(hub.url).put('/api/v1/deployment/enrich').send(aspenDeployment()).expect(405);
    });
  });

  describe('schemas', () => {
    it.each(['deployment', 'error', 'recommendation'])('serves the JSON Schema of %s', async (type) => {
      const res = await request(hub.url).get(`/api/v1/schemas/${type}`).expect(200);
      expect(res.body.type).toBe('object');
      expect(res.body.properties).toHaveProperty(type === 'deployment' ? 'applicationName' : 'message');
    });
    it('answers 404 for an unknown schema', async () => {
      await request(hub.url).get('/api/v1/schemas/other').expect(404);
    });
  });

  describe('health', () => {
    it('answers /health and /ready', async () => {
      await request(hub.url).get('/health').expect(200, { status: 'ok' });
      await request(hub.url).get('/ready').expect(200, { status: 'ready' });
    });
  });
});
