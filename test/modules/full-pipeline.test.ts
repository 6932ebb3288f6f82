import request from 'supertest';
import { MODULES } from '../../modules/index.js';
import { FakeDetectify } from '../fakes/detectify.js';
import { FakeSlack } from '../fakes/slack.js';
import { FakeUptimeRobot } from '../fakes/uptimerobot.js';
import { aspenDeployment } from '../support/aspen.js';
import { startPageServer, type PageServer } from './lighthouse/pages.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

const UTR_KEY = 'u9999999-utr-key-for-the-pipeline';
const DETECTIFY_KEY = 'dk-pipeline-0123456789abcdef0123';
const SLACK_TOKEN = 'xoxb-pipeline-test-token';

interface DeliveryJson {
  module: string;
  status: string;
  lastError: { message: string } | null;
  result: { summary?: string; scores?: Record<string, number>; link?: string } | null;
}

/**
 * The whole hub as shipped (every module of modules/index.ts) against fakes of Slack, UptimeRobot and
 * Detectify and a local application page audited by real Chromium: one deployment yields a monitor, a
 * scan, a stored report with scores, each on the event and replied in the deployment's Slack threads.
 */
describe('one deployment through every integration', () => {
  let slack: FakeSlack;
  let utr: FakeUptimeRobot;
  let detectify: FakeDetectify;
  let pages: PageServer;
  let hub: TestHub;

  beforeAll(async () => {
    slack = await FakeSlack.start({ token: SLACK_TOKEN });
    utr = await FakeUptimeRobot.start({
      apiKey: UTR_KEY,
      alertContacts: [{ id: '3001', friendly_name: '#team-studadm', type: 11 }],
    });
    detectify = await FakeDetectify.start();
    detectify.addKey(DETECTIFY_KEY, [{ token: 'abc123xyz456' }]);
    pages = await startPageServer();
    hub = await startTestHub({
      modules: MODULES,
      env: {
        ACTIVE_APP_HOST: pages.url,
        SLACK_TOKEN,
        SLACK_API_BASE_URL: slack.apiUrl,
        SLACK_CHANNELS: '#deployments',
        SLACK_PACE_MS: '50',
        UTR_API_KEY: UTR_KEY,
        UTR_API_BASE_URL: utr.url,
        UTR_CLUSTERS: 'active',
        DETECTIFY_API_KEYS: DETECTIFY_KEY,
        DETECTIFY_API_BASE_URL: detectify.url,
        DETECTIFY_CLUSTERS: 'active',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await hub.stop();
    await Promise.all([slack.close(), utr.stop(), detectify.stop(), pages.close()]);
  });

  async function settled(eventId: string, modules: string[]): Promise<DeliveryJson[]> {
    return waitFor(
      async () => {
        const res = await request(hub.url).get(`/api/v1/events/${eventId}`).expect(200);
        const deliveries = res.body.deliveries as DeliveryJson[];
        const done = modules.every((module) =>
          deliveries.some((d) => d.module === module && ['succeeded', 'dead'].includes(d.status)),
        );
        return done ? deliveries : null;
      },
      120_000,
      `deliveries of ${modules.join(', ')}`,
    );
  }

  it('creates a monitor, starts a scan, stores a report, and replies each outcome in every thread', async () => {
    const body = aspenDeployment({
      applicationPath: '/good',
      slackChannels: '#team-studadm',
      detectifyProfileTokens: 'abc123xyz456',
      testAccessibility: 'true',
    });
    const answer = await request(hub.url).put('/api/v1/deployment').send(body).expect(200);
    expect(answer.body.deliveries.map((d: { module: string }) => d.module).sort()).toEqual([
      'database',
      'detectify',
      'lighthouse',
      'slack',
      'uptimerobot',
    ]);
    const deliveries = await settled(answer.body.id, ['database', 'slack', 'uptimerobot', 'detectify', 'lighthouse']);
    const byModule = new Map(deliveries.map((d) => [d.module, d]));
    for (const module of ['database', 'slack', 'uptimerobot', 'detectify', 'lighthouse']) {
      const delivery = byModule.get(module)!;
      expect(`${module}: ${delivery.status} ${delivery.lastError?.message ?? ''}`.trim()).toBe(`${module}: succeeded`);
    }

    expect(utr.calls('newMonitor')).toHaveLength(1);
    expect(utr.calls('newMonitor')[0]!.form).toMatchObject({
      url: `${pages.url}/good/_monitor`,
      alert_contacts: '3001_0_0',
    });
    expect(detectify.stateOf('abc123xyz456')).toBe('running');

    const lighthouse = byModule.get('lighthouse')!.result!;
    expect(lighthouse.scores!.accessibility).toBeGreaterThanOrEqual(90);
    const report = await fetch(lighthouse.link!);
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('Lighthouse');

    // Each channel's root gets one reply per outcome, and its status line is updated.
    for (const channel of ['#deployments', '#team-studadm']) {
      const [root] = slack.roots(channel);
      expect(root).toBeDefined();
      const replies = await waitFor(
        () => {
          const found = slack.replies(root!);
          return found.length >= 3 ? found : null;
        },
        30_000,
        `three replies in ${channel}`,
      );
      const text = replies.map((reply) => reply.text).join('\n');
      expect(text).toMatch(/uptimerobot/);
      expect(text).toMatch(/detectify/);
      expect(text).toMatch(/lighthouse/i);
      expect(replies).toHaveLength(3);
      expect(root!.edits.length).toBeGreaterThanOrEqual(1);
    }
  }, 150_000);

  it('edits the monitor on the next deployment instead of creating another', async () => {
    const body = aspenDeployment({ applicationPath: '/good', version: '2.0.12', slackChannels: '#team-studadm' });
    const answer = await request(hub.url).put('/api/v1/deployment').send(body).expect(200);
    await settled(answer.body.id, ['uptimerobot']);
    expect(utr.calls('newMonitor')).toHaveLength(1);
    expect(utr.calls('editMonitor')).toHaveLength(1);
    expect(utr.monitors.size).toBe(1);
  }, 60_000);
});
