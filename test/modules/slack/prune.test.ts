import request from 'supertest';
import { FakeSlack } from '../../fakes/slack.js';
import { aspenRecommendation } from '../../support/aspen.js';
import { waitFor, type TestHub } from '../../support/hub.js';
import { finishedDelivery, put, startSlackHub, TOKEN } from './helpers.js';

const ADMIN_TOKEN = 'slack-prune-test-admin-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('slack.prune, the hourly clearing of posted items', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.close();
  });

  it('clears items posted more than a day ago and keeps the recent ones', async () => {
    const old = await put(
      hub,
      'recommendation',
      aspenRecommendation({ message: 'posted long ago', slackChannels: '#prune' }),
    );
    const recent = await put(
      hub,
      'recommendation',
      aspenRecommendation({ message: 'posted just now', slackChannels: '#prune' }),
    );
    await finishedDelivery(hub, old);
    await finishedDelivery(hub, recent);
    await hub.hub.db.query(`update slack_queue set done_at = now() - interval '25 hours' where event_id = $1`, [old]);

    const started = await request(hub.url).post('/api/v1/schedules/slack.prune/run').set(admin).expect(202);
    const run = await waitFor(async () => {
      const answer = await request(hub.url).get(`/api/v1/schedules/slack.prune/runs/${started.body.runId}`).expect(200);
      return answer.body.status === 'succeeded' ? answer.body : null;
    });
    expect(run.result).toMatchObject({ summary: 'cleared 1 posted items older than a day' });

    const left = await hub.hub.db.query<{ event_id: string }>(
      `select event_id from slack_queue where channel = '#prune'`,
    );
    expect(left.rows.map((row) => row.event_id)).toEqual([recent]);
    // The thread records are not the queue's: both messages are still known.
    const messages = await hub.hub.db.query(`select 1 from slack_messages where event_id = any($1::uuid[])`, [
      [old, recent],
    ]);
    expect(messages.rowCount).toBe(2);
  });
});
