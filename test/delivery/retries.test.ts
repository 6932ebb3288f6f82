import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { webhookModule } from '../../modules/webhook/index.js';
import { signBody } from '../../modules/webhook/index.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment, aspenRecommendation } from '../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';

describe('delivery to a subscriber that fails', () => {
  let hub: TestHub;
  const subscriber = new FakeSubscriber();

  beforeAll(async () => {
    await subscriber.start();
    hub = await startTestHub({
      modules: [databaseModule, webhookModule],
      env: {
        WEBHOOK_URL: subscriber.url,
        WEBHOOK_SECRET: 'webhook-signing-secret',
        ADMIN_TOKEN,
        DELIVERY_MAX_ATTEMPTS_WEBHOOK: '3',
        DELIVERY_TIMEOUT_MS_WEBHOOK: '400',
      },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await subscriber.stop();
  });
  beforeEach(() => {
    subscriber.received.length = 0;
  });

  async function put(body: Record<string, unknown>) {
    const res = await request(hub.url).put('/api/v1/recommendation').send(body).expect(200);
    return res.body.id as string;
  }

  async function webhookDelivery(eventId: string, status: string | string[]) {
    const wanted = Array.isArray(status) ? status : [status];
    return waitFor(
      async () => {
        const res = await request(hub.url).get(`/api/v1/events/${eventId}`).expect(200);
        const delivery = res.body.deliveries.find((d: { module: string }) => d.module === 'webhook');
        return delivery && wanted.includes(delivery.status) ? delivery : null;
      },
      15_000,
      `webhook delivery ${wanted.join('/')}`,
    );
  }

  it('delivers a signed body carrying the event id', async () => {
    const id = await put(aspenRecommendation({ message: 'signed' }));
    await webhookDelivery(id, 'succeeded');
    const [received] = subscriber.received;
    expect(received!.headers['x-alvares-event-id']).toBe(id);
    expect(received!.body).toMatchObject({ id, type: 'recommendation', payload: { message: 'signed' } });
    expect(received!.headers['x-alvares-signature']).toBe(
      signBody(JSON.stringify(received!.body), 'webhook-signing-secret'),
    );
  });

  it('retries a 503 with backoff and records each attempt in the lifecycle', async () => {
    subscriber.answer(503, 2);
    const id = await put(aspenRecommendation({ message: 'flaky' }));
    const delivery = await webhookDelivery(id, 'succeeded');
    expect(delivery.attempts).toBe(3);
    expect(subscriber.received).toHaveLength(3);
    expect(delivery.lifecycle.map((step: { status: string }) => step.status)).toEqual([
      'queued',
      'in_progress',
      'failed',
      'in_progress',
      'failed',
      'in_progress',
      'succeeded',
    ]);
    const failed = delivery.lifecycle.find((step: { status: string }) => step.status === 'failed');
    expect(failed.detail).toMatchObject({ status: 503 });
    expect(typeof failed.detail.nextAttemptAt).toBe('string');
  });

  it('honours Retry-After on a 429', async () => {
    subscriber.answer(429, 1, { 'Retry-After': '1' });
    const id = await put(aspenRecommendation({ message: 'rate limited' }));
    await webhookDelivery(id, 'succeeded');
    expect(subscriber.received).toHaveLength(2);
    const gap = subscriber.received[1]!.at - subscriber.received[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('goes dead at once on a permanent 401, keeping status and a redacted error', async () => {
    subscriber.answer(401, 1, {}, JSON.stringify({ error: 'bad signature webhook-signing-secret' }));
    const id = await put(aspenRecommendation({ message: 'unauthorised' }));
    const delivery = await webhookDelivery(id, 'dead');
    expect(delivery.attempts).toBe(1);
    expect(delivery.lastError).toMatchObject({ status: 401, permanent: true });
    expect(JSON.stringify(delivery)).not.toContain('webhook-signing-secret');
  });

  it('gives up after the configured attempts', async () => {
    subscriber.answer(500, 3);
    const id = await put(aspenRecommendation({ message: 'always failing' }));
    const delivery = await webhookDelivery(id, 'dead');
    expect(delivery.attempts).toBe(3);
    expect(delivery.lastError.message).toMatch(/attempts exhausted/);
  });

  it('times out a stalled attempt and retries it', async () => {
    subscriber.stall(2_000);
    const id = await put(aspenRecommendation({ message: 'stalled' }));
    const delivery = await webhookDelivery(id, 'succeeded');
    expect(delivery.attempts).toBe(2);
    const failed = delivery.lifecycle.find((step: { status: string }) => step.status === 'failed');
    expect(failed.detail.message).toMatch(/timed out|unreachable/);
  });

  it("keeps the database module's delivery unaffected by the webhook's failure", async () => {
    subscriber.answer(401);
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'iso-1' }))
      .expect(200);
    await webhookDelivery(res.body.id, 'dead');
    const event = await request(hub.url).get(`/api/v1/events/${res.body.id}`).expect(200);
    expect(event.body.deliveries.find((d: { module: string }) => d.module === 'database').status).toBe('succeeded');
  });

  describe('replay', () => {
    it('needs the admin token', async () => {
      await request(hub.url).post('/api/v1/deliveries/00000000-0000-4000-8000-000000000000/replay').expect(401);
      await request(hub.url)
        .post('/api/v1/deliveries/00000000-0000-4000-8000-000000000000/replay')
        .set('Authorization', 'Bearer wrong-token-wrong-token')
        .expect(401);
    });

    it('re-runs a dead delivery and shows the replay in the lifecycle', async () => {
      subscriber.answer(403);
      const id = await put(aspenRecommendation({ message: 'replay me' }));
      const dead = await webhookDelivery(id, 'dead');
      const answer = await request(hub.url)
        .post(`/api/v1/deliveries/${dead.id}/replay`)
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .expect(200);
      expect(answer.body.replayed).toEqual([dead.id]);
      const delivered = await webhookDelivery(id, 'succeeded');
      expect(delivered.attempts).toBe(2);
      const statuses = delivered.lifecycle.map((step: { status: string }) => step.status);
      expect(statuses).toEqual(['queued', 'in_progress', 'dead', 'queued', 'in_progress', 'succeeded']);
      expect(delivered.lifecycle[3].detail).toEqual({ replay: true });
    });

    it("replays all of a module's dead deliveries at once", async () => {
      subscriber.answer(403, 2);
      const first = await put(aspenRecommendation({ message: 'bulk one' }));
      const second = await put(aspenRecommendation({ message: 'bulk two' }));
      await webhookDelivery(first, 'dead');
      await webhookDelivery(second, 'dead');
      const answer = await request(hub.url)
        .post('/api/v1/modules/webhook/replay')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .expect(200);
      expect(answer.body.replayed).toBeGreaterThanOrEqual(2);
      await webhookDelivery(first, 'succeeded');
      await webhookDelivery(second, 'succeeded');
    });

    it('answers 409 for a delivery that is still running, and runs it once', async () => {
      // Inside this suite's 400 ms attempt timeout, so the one attempt succeeds.
      subscriber.stall(300);
      const id = await put(aspenRecommendation({ message: 'replayed too early' }));
      const running = await webhookDelivery(id, 'in_progress');
      const answer = await request(hub.url)
        .post(`/api/v1/deliveries/${running.id}/replay`)
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .expect(409);
      expect(answer.body.error.code).toBe('HUB_ERR_CONFLICT');
      const delivered = await webhookDelivery(id, 'succeeded');
      expect(delivered.attempts).toBe(1);
      expect(subscriber.eventIds().filter((eventId) => eventId === id)).toHaveLength(1);
    });

    it('answers 404 for an unknown delivery', async () => {
      await request(hub.url)
        .post('/api/v1/deliveries/00000000-0000-4000-8000-000000000000/replay')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .expect(404);
    });
  });

  describe('modules toggled at run time', () => {
    it('creates no deliveries for a disabled module and resumes when enabled', async () => {
      const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
      await request(hub.url).post('/api/v1/modules/webhook/disable').set(auth).expect(200);
      const off = await request(hub.url)
        .put('/api/v1/recommendation')
        .send(aspenRecommendation({ message: 'while off' }))
        .expect(200);
      expect(off.body.deliveries.map((d: { module: string }) => d.module)).toEqual(['database']);
      const modules = await request(hub.url).get('/api/v1/modules').expect(200);
      expect(modules.body.modules.find((m: { name: string }) => m.name === 'webhook')).toMatchObject({
        enabled: false,
        reason: 'turned off at run time',
      });

      await request(hub.url).post('/api/v1/modules/webhook/enable').set(auth).expect(200);
      const on = await request(hub.url)
        .put('/api/v1/recommendation')
        .send(aspenRecommendation({ message: 'while on' }))
        .expect(200);
      expect(on.body.deliveries.map((d: { module: string }) => d.module).sort()).toEqual(['database', 'webhook']);
    });
  });
});

describe('admin routes without ADMIN_TOKEN', () => {
  it('do not exist', async () => {
    const hub = await startTestHub({ modules: [databaseModule] });
    try {
      await request(hub.url)
        .post('/api/v1/modules/database/disable')
        .set('Authorization', 'Bearer anything-anything')
        .expect(404);
      await request(hub.url).get('/api/v1/deliveries').expect(404);
    } finally {
      await hub.stop();
    }
  });
});
