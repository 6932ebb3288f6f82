import { SLACK_RENDER } from '../../../modules/slack/provider.js';
import type { SlackMessage } from '../../../modules/slack/blocks.js';
import { parseCoreConfig } from '../../../src/config/config.js';
import type { CheckFinished, InsightsWeekly, InspectionTransition, WeekFigures } from '../../../src/events/types.js';
import { validateAndEnrich } from '../../../src/ingest/ingest.js';
import { FakeSlack } from '../../fakes/slack.js';
import { aspenDeployment, aspenError, aspenRecommendation, HOSTS_ENV } from '../../support/aspen.js';
import type { TestHub } from '../../support/hub.js';
import { finishedDelivery, put, startSlackHub, TOKEN } from './helpers.js';

/** Everything Slack reads as a control sequence: pings, a link with its own label, a mention, and the three specials. */
const HOSTILE = '<!channel> <!here> <https://evil.example|click> <@U123> & < >';

const config = (() => {
  const parsed = parseCoreConfig(HOSTS_ENV);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value;
})();
const links = { publicUrl: 'https://hub.example.test', eventId: '11111111-2222-4333-8444-555555555555' };

/** Every string of a value, keys of records included (dimensions), replaced by the hostile text; `keep` stays. */
function hostile<T>(value: T, keep: readonly string[] = []): T {
  const walk = (node: unknown, key: string | null): unknown => {
    if (key !== null && keep.includes(key)) return node;
    if (typeof node === 'string') return HOSTILE;
    if (Array.isArray(node)) return node.map((item) => walk(item, null));
    if (node && typeof node === 'object' && !(node instanceof Date))
      return Object.fromEntries(
        Object.entries(node).map(([k, v], index) => [key === 'dimensions' ? `${HOSTILE}${index}` : k, walk(v, k)]),
      );
    return node;
  };
  return walk(value, null) as T;
}

/** Every string anywhere in what would be sent: text, blocks, fields, elements, whatever the shape. */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === 'object') return Object.values(node).flatMap(strings);
  return [];
}

/**
 * What is left of a text once the hub's own links (`<http(s)://…|label>`, built by the one link function) are
 * read as Slack reads them: any `<` or `>` left is a control sequence, and every `&` must start an entity.
 */
function unescaped(text: string): string[] {
  const shown = text.replace(
    /<(https?:\/\/[^\s<>|]+)\|([^<>]*)>/g,
    (_all, url: string, label: string) => `${url} ${label}`,
  );
  const problems: string[] = [];
  if (/[<>]/.test(shown)) problems.push(`raw < or > in ${JSON.stringify(text)}`);
  if (/&(?!amp;|lt;|gt;)/.test(shown)) problems.push(`raw & in ${JSON.stringify(text)}`);
  for (const fragment of ['<!channel>', '<!here>', '<@U123>', 'evil.example|click>'])
    if (text.includes(fragment)) problems.push(`${fragment} in ${JSON.stringify(text)}`);
  return problems;
}

function expectEscaped(what: string, sent: unknown): void {
  const texts = strings(sent);
  expect(texts.length).toBeGreaterThan(0);
  expect({ what, problems: texts.flatMap(unescaped) }).toEqual({ what, problems: [] });
}

const figures: WeekFigures = {
  deployments: 3,
  deploymentDays: 2,
  failed: 1,
  changeFailureRate: 1 / 3,
  restored: 1,
  timeToRestoreMedianMs: 3_600_000,
  leadTimes: 2,
  leadTimeMedianMs: 600_000,
};

function transition(name: InspectionTransition['transition']): InspectionTransition {
  return hostile(
    {
      check: 'nightly-scan',
      kind: 'external',
      key: 'nightly-scan{target=portal}',
      dimensions: { target: 'portal', region: 'north' },
      transition: name,
      status: 'critical',
      previousStatus: 'error',
      since: '2026-12-01T10:00:00.000Z',
      durationMs: 720_000,
      title: 'portal is down',
      message: 'connection refused\nsecond line',
      link: 'https://hub.example.test/checks/nightly-scan',
      slackChannels: ['#team-ops'],
      runId: 'run-1',
      at: '2026-12-01T10:12:00.000Z',
    } satisfies InspectionTransition,
    ['transition', 'kind', 'link'],
  );
}

describe('every message the hub sends to Slack, with hostile text in every field', () => {
  const deployment = (overrides: Record<string, unknown> = {}) =>
    hostile(validateAndEnrich('deployment', aspenDeployment(overrides), config), ['removal', 'rollback']);

  it('escapes deployments (running, removed, rolled back), errors and recommendations, alone and as digest lines', () => {
    const messages = {
      deployment: SLACK_RENDER.deployment(deployment(), links),
      removal: SLACK_RENDER.deployment({ ...deployment({ replicas: 0 }), removal: true }, links),
      rollback: SLACK_RENDER.deployment({ ...deployment(), rollback: true }, links),
      error: SLACK_RENDER.error(
        {
          ...hostile(validateAndEnrich('error', aspenError({ stackTrace: 'trace' }), config)),
          repeats: { count: 4, windowSeconds: 300, firstEventId: links.eventId },
        },
        links,
      ),
      recommendation: SLACK_RENDER.recommendation(
        hostile(validateAndEnrich('recommendation', aspenRecommendation(), config)),
        links,
      ),
    };
    for (const [what, rendered] of Object.entries(messages)) {
      expectEscaped(`${what} message`, rendered.message);
      expectEscaped(`${what} digest line`, rendered.line);
    }
    const lines = Object.values(messages).map((rendered) => rendered.line);
    const queuedAt = new Date();
    expectEscaped(
      'digest',
      SLACK_RENDER.digest(lines.map((line, index) => ({ kind: index < 3 ? 'deployment' : 'error', line, queuedAt }))),
    );
    expectEscaped('combined reply', SLACK_RENDER.combinedReply(lines));
  });

  it('escapes alerts, escalations and recoveries: root, fallback text, replies and status lines', () => {
    for (const name of ['alert', 'escalated', 'recovered'] as const) {
      const t = transition(name);
      const root = SLACK_RENDER.alert(t);
      expectEscaped(`${name} root`, root.message);
      expectEscaped(`${name} line`, root.line);
      expectEscaped(`${name} reply`, SLACK_RENDER.lineMessage(SLACK_RENDER.transitionReply(t)));
      expectEscaped(`${name} root update`, SLACK_RENDER.withStatusLine(root.message, SLACK_RENDER.alertStatusLine(t)));
    }
  });

  it("escapes outcomes in a deployment's thread, the root's status line and a digest's reply", () => {
    const finished = (status: CheckFinished['status']): CheckFinished =>
      hostile(
        {
          eventId: links.eventId,
          eventType: 'deployment',
          module: 'lighthouse',
          status,
          attempts: 3,
          result: { summary: 'Accessibility checked', score: 92, link: 'https://report.example.test/1' },
          error: { message: 'upstream failed', code: 'HUB_ERR_UPSTREAM' },
        } as CheckFinished,
        ['eventId', 'eventType', 'status', 'link', 'code'],
      );
    const outcomes = [finished('succeeded'), finished('dead')];
    for (const outcome of outcomes) {
      const line = SLACK_RENDER.outcomeLine(outcome);
      expectEscaped('outcome reply', SLACK_RENDER.lineMessage(line));
      expectEscaped('digest reply', SLACK_RENDER.lineMessage(SLACK_RENDER.digestReplyLine(HOSTILE, line)));
    }
    const root = SLACK_RENDER.deployment(deployment(), links).message;
    expectEscaped('root update', SLACK_RENDER.withStatusLine(root, SLACK_RENDER.statusLine(outcomes)));
  });

  it("escapes the weekly summaries: the cluster's and each team's", () => {
    const summary = hostile(
      {
        cluster: 'active',
        week: { from: '2026-11-30T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z' },
        overall: { current: figures, previous: figures },
        teams: [
          {
            team: 'team-a',
            slackChannels: ['#team-a'],
            link: 'https://hub.example.test/insights',
            current: figures,
            previous: figures,
          },
        ],
        link: 'https://hub.example.test/insights',
      } as unknown as InsightsWeekly,
      ['link'],
    );
    expectEscaped('weekly overall', SLACK_RENDER.weeklyOverall(summary));
    expectEscaped('weekly team', SLACK_RENDER.weeklyTeam(summary, summary.teams[0]!));
  });
});

describe('what reaches Slack over HTTP from hostile payloads', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { SLACK_CHANNELS: '#hostile' } });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  it('escapes every text of every call: posts, replies and updates', async () => {
    const free = { publicNameEnglish: HOSTILE, team: HOSTILE, descriptionEnglish: HOSTILE };
    const ids = [
      await put(hub, 'deployment', aspenDeployment({ ...free, slackChannels: '#hostile' })),
      await put(hub, 'error', aspenError({ message: HOSTILE, stackTrace: HOSTILE, slackChannels: '#hostile' })),
      await put(hub, 'recommendation', aspenRecommendation({ message: HOSTILE, slackChannels: '#hostile' })),
    ];
    for (const id of ids) expect(await finishedDelivery(hub, id)).toMatchObject({ status: 'succeeded' });
    const calls = fake.requests.filter((request) => /chat\.(postMessage|update)/.test(request.path));
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const call of calls) {
      const { text, blocks, attachments } = call.body as Partial<SlackMessage> & { attachments?: unknown };
      expectEscaped(call.path, { text, blocks, attachments });
    }
    // The hostile text did arrive, shown as typed.
    expect(JSON.stringify(calls.map((call) => call.body))).toContain('&lt;!channel&gt;');
  });
});
