import { createHmac } from 'node:crypto';
import request from 'supertest';
import { webhookModule } from '../../../modules/webhook/index.js';
import { FakeSubscriber } from '../../fakes/subscriber.js';
import { aspenDeployment, aspenError, aspenRecommendation } from '../../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../../support/hub.js';
import { finishedDelivery } from '../slack/helpers.js';

const SECRET = 'webhook-template-signing-secret';
const ADMIN_TOKEN = 'webhook-template-admin-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

// Google Chat's incoming webhook takes {"text"}; Mattermost's takes {"text", "username"} and attachments.
const CHAT = '{"text": "*{{ applicationName }}* failed: {{ message }}", "thread": {"threadKey": "{{ event.id }}"}}';
const MATTERMOST =
  '{"username": "alvares", "text": "Deploying {{ applicationName }} {{ version }}", "attachments": [{"fields": [{"title": "replicas", "value": {{ replicas }}}]}]}';

describe('the webhook module with body templates', () => {
  let hub: TestHub;
  const receiver = new FakeSubscriber();

  beforeAll(async () => {
    await receiver.start();
    hub = await startTestHub({
      modules: [webhookModule],
      env: {
        ADMIN_TOKEN,
        WEBHOOK_URL: receiver.url,
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_TEMPLATE_ERROR: CHAT,
        WEBHOOK_TEMPLATE_DEPLOYMENT: MATTERMOST,
        IDEMPOTENCY_WINDOW_SECONDS: '0',
        ERROR_STORM_WINDOW_SECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await receiver.stop();
  });

  async function send(type: 'deployment' | 'error' | 'recommendation', body: Record<string, unknown>) {
    const id = ((await request(hub.url).put(`/api/v1/${type}`).send(body).expect(200)).body as { id: string }).id;
    return waitFor(() => receiver.received.find((r) => r.headers['x-alvares-event-id'] === id));
  }

  it('feeds a chat its own JSON: payload text JSON-escaped, whatever quotes, backslashes or lines it holds', async () => {
    const hostile = 'quote " back \\ newline\nand "}, "injected": "yes';
    const received = await send('error', aspenError({ applicationName: 'kth-azure-app', message: hostile }));
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.body).toEqual({
      text: `*kth-azure-app* failed: ${hostile}`,
      thread: { threadKey: received.headers['x-alvares-event-id'] },
    });
    // The signature covers the bytes sent: the template as written, the values put in.
    const sent = CHAT.replace('{{ applicationName }}', 'kth-azure-app')
      .replace('{{ message }}', JSON.stringify(hostile).slice(1, -1))
      .replace('{{ event.id }}', String(received.headers['x-alvares-event-id']));
    expect(received.headers['x-alvares-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(sent).digest('hex')}`,
    );
  });

  it('renders numbers as numbers, and keeps the default body for a kind without a template', async () => {
    const deployed = await send('deployment', aspenDeployment({ version: 'tmpl-1', replicas: 3 }));
    expect(deployed.body).toEqual({
      username: 'alvares',
      text: 'Deploying kth-azure-app tmpl-1',
      attachments: [{ fields: [{ title: 'replicas', value: 3 }] }],
    });
    const recommended = await send('recommendation', aspenRecommendation({ message: 'upgrade' }));
    expect(recommended.body).toMatchObject({ type: 'recommendation', payload: { message: 'upgrade' } });
  });

  it('refuses a template that does not parse, naming its variable, at run time', async () => {
    const res = await fetch(`${hub.url}/api/v1/admin/modules/webhook/config`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ WEBHOOK_TEMPLATE_ERROR: '{"text": "{{ message "}' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('WEBHOOK_TEMPLATE_ERROR');
  });

  it('fails for good, sending nothing, when a template renders no JSON', async () => {
    const res = await fetch(`${hub.url}/api/v1/admin/modules/webhook/config`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ WEBHOOK_TEMPLATE_ERROR: '{"text": {{ message }}}' }),
    });
    expect(res.status).toBe(200);
    try {
      const before = receiver.received.length;
      const id = (
        (
          await request(hub.url)
            .put('/api/v1/error')
            .send(aspenError({ message: 'not quoted' }))
            .expect(200)
        ).body as {
          id: string;
        }
      ).id;
      const dead = await finishedDelivery(hub, id, 'webhook');
      expect(dead.status).toBe('dead');
      expect(dead.attempts).toBe(1);
      expect(JSON.stringify(dead)).toContain('did not render JSON');
      expect(receiver.received.length).toBe(before);
    } finally {
      await fetch(`${hub.url}/api/v1/admin/modules/webhook/config`, { method: 'DELETE', headers: admin });
    }
  });
});
