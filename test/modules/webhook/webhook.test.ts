import { createHmac } from 'node:crypto';
import request from 'supertest';
import { webhookModule } from '../../../modules/webhook/index.js';
import { FakeSubscriber } from '../../fakes/subscriber.js';
import { aspenDeployment, aspenError } from '../../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../../support/hub.js';

const SECRET = 'webhook-test-signing-secret';

describe('the webhook module', () => {
  let hub: TestHub;
  const receiver = new FakeSubscriber();

  beforeAll(async () => {
    await receiver.start();
    hub = await startTestHub({ modules: [webhookModule], env: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET } });
  });
  afterAll(async () => {
    await hub.stop();
    await receiver.stop();
  });

  it('POSTs the enriched event as JSON, with its id, type, attempt and a signature the receiver can check', async () => {
    const answer = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'webhook-1' }))
      .expect(200);
    const received = await waitFor(() =>
      receiver.received.find((r) => r.headers['x-alvares-event-id'] === answer.body.id),
    );
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/hook');
    expect(received.headers).toMatchObject({
      'content-type': 'application/json',
      'x-alvares-event-type': 'deployment',
      'x-alvares-attempt': '1',
    });
    expect(received.body).toMatchObject({
      id: answer.body.id,
      type: 'deployment',
      payload: { applicationName: 'kth-azure-app', importance: 'high' },
    });
    const expected = `sha256=${createHmac('sha256', SECRET).update(JSON.stringify(received.body)).digest('hex')}`;
    expect(received.headers['x-alvares-signature']).toBe(expected);
  });

  it('sends errors too, and records the answer as the delivery result without telling other modules', async () => {
    const answer = await request(hub.url)
      .put('/api/v1/error')
      .send(aspenError({ message: 'webhook test error' }))
      .expect(200);
    await waitFor(() => receiver.eventIds().includes(answer.body.id));
    const event = await waitFor(async () => {
      const body = (await request(hub.url).get(`/api/v1/events/${answer.body.id}`).expect(200)).body;
      return body.deliveries[0]?.status === 'succeeded' ? body : null;
    });
    expect(event.deliveries[0].result).toEqual({ summary: 'POSTed to webhook (200)', notify: false });
    expect(event.children).toEqual([]);
  });

  it('is off, saying why, without WEBHOOK_URL', async () => {
    const off = await startTestHub({ modules: [webhookModule] });
    try {
      const modules = (await request(off.url).get('/api/v1/modules').expect(200)).body.modules;
      expect(modules).toEqual([
        expect.objectContaining({
          name: 'webhook',
          enabled: false,
          configured: false,
          reason: 'WEBHOOK_URL is not set',
        }),
      ]);
    } finally {
      await off.stop();
    }
  });
});
