import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment, aspenError } from '../support/aspen.js';
import type { TestHub } from '../support/hub.js';
import { parsePrometheus, sampleValue } from '../support/prometheus.js';
import { finishedDelivery, put, quiesce, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

/** The notification layer's counter as a started hub's /metrics gives it, read with a Prometheus text parser. */
describe('alvares_notifications_total on /metrics', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, {
      env: {
        SLACK_CHANNELS: '#deployments',
        SLACK_ALLOWED_CHANNELS: '#team-*',
        // One post at once per channel, then one each 600 ms; more than one waiting goes as a digest.
        SLACK_BURST: '1',
        SLACK_PACE_MS: '600',
        SLACK_DIGEST_AFTER: '1',
      },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  async function count(kind: string, outcome: string): Promise<number> {
    const res = await fetch(`${hub.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(TOKEN);
    // Only our family: prom-client's default event-loop gauges read "Nan" on a fresh process, which is not Prometheus text.
    const ours = text.split('\n').filter((line) => line.includes('alvares_notifications_total'));
    const families = parsePrometheus(`${ours.join('\n')}\n`);
    expect(families.get('alvares_notifications_total')?.type).toBe('counter');
    return sampleValue(families, 'alvares_notifications_total', { target: 'slack', kind, outcome }) ?? 0;
  }

  // A target a silence holds is counted `suppressed` too: test/silences/targets.test.ts.
  it('counts each address of a deployment as sent, dropped (allow list) or failed', async () => {
    fake.failChannel('#team-gone', 'channel_not_found');
    const id = await put(
      hub,
      'deployment',
      aspenDeployment({
        applicationName: 'metrics-counted-app',
        slackChannels: '#team-a,#elsewhere,#team-gone',
      }),
    );
    const delivery = await finishedDelivery(hub, id);
    // The refused channel is permanent: the delivery ends dead, the other addresses went out.
    expect(delivery.status).toBe('dead');
    expect(fake.roots('#deployments')).toHaveLength(1);
    expect(fake.roots('#team-a')).toHaveLength(1);

    expect(await count('deployment', 'sent')).toBe(2);
    expect(await count('deployment', 'failed')).toBe(1);
    // Addresses held back are counted by the run that ends a delivery; a dead one ended by throwing.
    expect(await count('deployment', 'dropped')).toBe(0);
    expect(await count('deployment', 'suppressed')).toBe(0);

    const again = await put(
      hub,
      'deployment',
      aspenDeployment({ applicationName: 'metrics-held-app', slackChannels: '#elsewhere' }),
    );
    expect((await finishedDelivery(hub, again)).status).toBe('succeeded');
    expect(await count('deployment', 'sent')).toBe(3);
    expect(await count('deployment', 'dropped')).toBe(1);
    expect(await count('deployment', 'suppressed')).toBe(0);
  });

  it('counts a flood to one channel as sent alone and digested, each item once', async () => {
    await quiesce(hub);
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1)
      ids.push(await put(hub, 'error', aspenError({ message: `flood ${index}`, slackChannels: '#team-flood' })));
    for (const id of ids) expect((await finishedDelivery(hub, id, 'slack', 20_000)).status).toBe('succeeded');
    await quiesce(hub);
    const sent = await count('error', 'sent');
    const digested = await count('error', 'digested');
    expect(sent + digested).toBe(5);
    expect(digested).toBeGreaterThanOrEqual(2);
    // Slack saw as many roots in the channel as the counter says were posted alone, plus the digests.
    const roots = fake.roots('#team-flood');
    expect(roots.length).toBeLessThan(5);
    expect(await count('error', 'failed')).toBe(0);
  }, 40_000);
});
