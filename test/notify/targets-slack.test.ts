import request from 'supertest';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment } from '../support/aspen.js';
import type { TestHub } from '../support/hub.js';
import {
  checkDeliveries,
  finishedDelivery,
  monitorModule,
  put,
  startSlackHub,
  TOKEN,
} from '../modules/slack/helpers.js';

const ADMIN = 'notify-targets-slack-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };

describe('stored Slack targets beside the environment one', () => {
  let fake: FakeSlack;
  let hooked: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hooked = await FakeSlack.start({ token: 'xoxb-unused-by-the-webhook' });
    hub = await startSlackHub(fake, {
      env: { SLACK_CHANNELS: '#deployments', ADMIN_TOKEN: ADMIN },
      extra: [monitorModule],
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await hooked?.close();
    await fake?.close();
  });

  it('stores a target with its own token (write-only) and one with an incoming webhook; refuses one with neither', async () => {
    const taken = await request(hub.url)
      .put('/api/v1/notify/targets/slack')
      .set(auth)
      .send({ provider: 'slack', settings: { token: TOKEN } })
      .expect(409);
    expect(taken.body.error.message).toContain('SLACK_TOKEN');
    const neither = await request(hub.url)
      .put('/api/v1/notify/targets/slack-ops')
      .set(auth)
      .send({ provider: 'slack', settings: { channels: ['#ops'] } })
      .expect(400);
    expect(neither.body.error.fields).toEqual([expect.objectContaining({ field: 'settings.token' })]);

    const ops = await request(hub.url)
      .put('/api/v1/notify/targets/slack-ops')
      .set(auth)
      .send({ provider: 'slack', settings: { token: TOKEN, channels: ['ops'] } })
      .expect(200);
    expect(ops.body.settings).toEqual({ token: '(set)', channels: ['ops'] });
    // `null` removes a secret: without a webhook instead, the target would have neither.
    const removed = await request(hub.url)
      .put('/api/v1/notify/targets/slack-ops')
      .set(auth)
      .send({ provider: 'slack', settings: { token: null, channels: ['ops'] } })
      .expect(400);
    expect(removed.body.error.fields).toEqual([expect.objectContaining({ field: 'settings.token' })]);
    await request(hub.url)
      .put('/api/v1/notify/targets/slack-hook')
      .set(auth)
      .send({ provider: 'slack', settings: { webhookUrl: hooked.webhookUrl } })
      .expect(200);
    const listed = await request(hub.url).get('/api/v1/notify/targets').expect(200);
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(hooked.webhookUrl);
    expect(
      (listed.body.targets as Array<{ name: string; origin: string; capabilities: { threads: boolean } }>).map(
        ({ name, origin, capabilities }) => [name, origin, capabilities.threads],
      ),
    ).toEqual([
      // The environment's first, then the stored ones by name.
      ['slack', 'env', true],
      ['slack-hook', 'api', false],
      ['slack-ops', 'api', true],
    ]);
  });

  it('keeps each target in its own thread, even in the same channel, and posts the webhook target through its own hook', async () => {
    await request(hub.url)
      .put('/api/v1/notify/routes')
      .set(auth)
      .send({
        routes: [
          {
            name: 'deployments everywhere',
            match: { kind: ['deployment'] },
            to: [
              { target: 'slack', addresses: ['#deployments'] },
              { target: 'slack-ops', addresses: ['#deployments'] },
              { target: 'slack-hook', addresses: ['#hooked'] },
            ],
          },
        ],
      })
      .expect(200);
    const id = await put(hub, 'deployment', aspenDeployment({ version: '7.7.7-two-targets' }));
    const delivery = await finishedDelivery(hub, id);
    expect(delivery.status).toBe('succeeded');
    expect((delivery.result as { summary: string }).summary).toBe(
      'slack: posted to #deployments; slack-hook: posted to #hooked; slack-ops: posted to #deployments',
    );
    expect((delivery.result as { details: { routes: Record<string, string> } }).details.routes).toEqual({
      'slack: #deployments': 'deployments everywhere',
      'slack-hook: #hooked': 'deployments everywhere',
      'slack-ops: #deployments': 'deployments everywhere',
    });
    const roots = fake.roots('#deployments').filter((root) => JSON.stringify(root.blocks).includes(id));
    expect(roots).toHaveLength(2);
    expect(new Set(roots.map((root) => root.ts)).size).toBe(2);
    // The monitor's outcome is replied once in each target's own thread.
    await checkDeliveries(hub, id, 1);
    for (const root of roots)
      expect(fake.replies(root).map((reply) => reply.text)).toEqual(['✅ test-monitor: Monitoring https://x']);
    expect(hooked.webhookPosts().filter((post) => JSON.stringify(post.body).includes(id))).toHaveLength(1);
    const rows = await hub.hub.db.query<{ target: string }>(
      'select target from notify_messages where event_id = $1 order by target',
      [id],
    );
    expect(rows.rows.map((row) => row.target)).toEqual(['slack', 'slack-hook', 'slack-ops']);
  });
});
