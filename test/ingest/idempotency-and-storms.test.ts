import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { webhookModule } from '../../modules/webhook/index.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment, aspenError } from '../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../support/hub.js';

describe('repeated requests', () => {
  let hub: TestHub;
  const subscriber = new FakeSubscriber();

  beforeAll(async () => {
    await subscriber.start();
    hub = await startTestHub({
      modules: [databaseModule, webhookModule],
      env: { WEBHOOK_URL: subscriber.url, IDEMPOTENCY_WINDOW_SECONDS: '60', ERROR_STORM_WINDOW_SECONDS: '2' },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await subscriber.stop();
  });
  beforeEach(() => {
    subscriber.received.length = 0;
  });

  it('with the same Idempotency-Key return the first answer and deliver once', async () => {
    const body = aspenDeployment({ version: 'idem-1' });
    const first = await request(hub.url)
      .put('/api/v1/deployment')
      .set('Idempotency-Key', 'aspen-run-42')
      .send(body)
      .expect(200);
    const again = await request(hub.url)
      .put('/api/v1/deployment')
      .set('Idempotency-Key', 'aspen-run-42')
      .send(body)
      .expect(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.status).toBe('duplicate');
    await waitFor(() => subscriber.eventIds().includes(first.body.id));
    await waitForQuiet(hub);
    expect(subscriber.eventIds().filter((id) => id === first.body.id)).toHaveLength(1);
  });

  it('with the same key sent concurrently store one event', async () => {
    const body = aspenDeployment({ version: 'idem-concurrent' });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(hub.url).put('/api/v1/deployment').set('Idempotency-Key', 'burst-key').send(body).expect(200),
      ),
    );
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    expect(answers.filter((answer) => answer.body.status === 'accepted')).toHaveLength(1);
  });

  it('without a key, an identical deployment body inside the window is the same event', async () => {
    const body = aspenDeployment({ version: 'same-body' });
    const first = await request(hub.url).put('/api/v1/deployment').send(body).expect(200);
    const again = await request(hub.url).put('/api/v1/deployment').send(body).expect(200);
    expect(again.body).toMatchObject({ id: first.body.id, status: 'duplicate', deliveries: [] });
    const different = await request(hub.url)
      .put('/api/v1/deployment')
      .send({ ...body, replicas: 3 })
      .expect(200);
    expect(different.body.id).not.toBe(first.body.id);
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .set('Idempotency-Key', 'x'.repeat(300))
      .send(aspenDeployment())
      .expect(400);
    expect(res.body.error.fields[0].field).toBe('Idempotency-Key');
  });

  it('coalesce an error storm: the first goes out at once, the rest as one follow-up with the count', async () => {
    const messages = [
      'Pod web-7f9c8d6b5 crashed after 30s (exit 137), request 550e8400-e29b-41d4-a716-446655440000',
      'Pod web-1a2b3c4d5 crashed after 12 s (exit 137), request 123e4567-e89b-12d3-a456-426614174000',
      'Pod web-99887766aa crashed after 450ms (exit 1), request 00000000-0000-4000-8000-00000000abcd',
      'Pod web-0011223344 crashed after 3s (exit 2), request 11111111-2222-4333-8444-555555555555',
    ];
    const answers: Array<{ id: string; status: string; stormOf?: string }> = [];
    for (const message of messages) {
      answers.push(
        (
          await request(hub.url)
            .put('/api/v1/error')
            .send(aspenError({ message, applicationName: 'web', cluster: 'active' }))
            .expect(200)
        ).body,
      );
    }
    expect(answers[0]!.status).toBe('accepted');
    expect(answers.slice(1).map((answer) => answer.status)).toEqual(['coalesced', 'coalesced', 'coalesced']);
    expect(answers.slice(1).every((answer) => answer.stormOf === answers[0]!.id)).toBe(true);

    const errorsReceived = () => subscriber.received.filter((received) => received.body.type === 'error');
    const delivered = await waitFor(
      () => (errorsReceived().length >= 2 ? errorsReceived() : null),
      10_000,
      'follow-up',
    );
    expect(delivered[0]!.body.payload.message).toBe(messages[0]);
    expect(delivered[1]!.body.payload.repeats).toEqual({ count: 3, firstEventId: answers[0]!.id, windowSeconds: 2 });
    expect(delivered[1]!.body.payload.message).toMatch(/repeated 3 more times/);
    // No second follow-up is queued or running, and no delivery is left: the storm has been told once.
    await waitForQuiet(hub);
    expect(errorsReceived()).toHaveLength(2);
  });

  it('does not coalesce different errors', async () => {
    const a = await request(hub.url)
      .put('/api/v1/error')
      .send(aspenError({ message: 'disk full on /var' }))
      .expect(200);
    const b = await request(hub.url)
      .put('/api/v1/error')
      .send(aspenError({ message: 'certificate expired' }))
      .expect(200);
    expect([a.body.status, b.body.status]).toEqual(['accepted', 'accepted']);
  });
});

describe('with the storm window at 0', () => {
  it('sends every error, even identical ones arriving together', async () => {
    const hub = await startTestHub({ modules: [databaseModule], env: { ERROR_STORM_WINDOW_SECONDS: '0' } });
    try {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          request(hub.url)
            .put('/api/v1/error')
            .send(aspenError({ message: 'same error' }))
            .expect(200),
        ),
      );
      expect(answers.map((answer) => answer.body.status)).toEqual(Array(6).fill('accepted'));
      expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(6);
    } finally {
      await hub.stop();
    }
  });
});
