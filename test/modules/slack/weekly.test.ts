import { weeklyPosts } from '../../../modules/slack/weekly.js';
import { truncate } from '../../../src/insights/periods.js';
import type { InsightsWeekly, WeekFigures } from '../../../src/events/types.js';
import { FakeSlack } from '../../fakes/slack.js';
import { waitFor, type TestHub } from '../../support/hub.js';
import { DAY, HOUR, MINUTE, createdAt, deploymentAt, errorAt, writeHistory } from '../../support/insights-history.js';
import { finishedDelivery, quiesce, startSlackHub, TOKEN } from './helpers.js';
import type { Json } from '../../support/json.js';

const ADMIN_TOKEN = 'slack-weekly-admin-0123456789';

describe('the weekly delivery insights in Slack', () => {
  let fake: FakeSlack;
  let hub: TestHub;
  // Last week (the one the summary is about) and the week before, Mondays at 00:00 UTC.
  const end = truncate(Date.now(), 'week');
  const week = end - 7 * DAY;
  const before = week - 7 * DAY;
  const at = (start: number, day: number, hours: number, minutes = 0) =>
    new Date(start + day * DAY + hours * HOUR + minutes * MINUTE);

  beforeAll(async () => {
    // Slack's own limit, enforced by the fake: the hub must keep to it.
    fake = await FakeSlack.start({ token: TOKEN, rateLimit: { burst: 3, intervalMs: 1000 } });
    hub = await startSlackHub(fake, {
      env: {
        SLACK_CHANNELS: 'deployments',
        SLACK_ALLOWED_CHANNELS: '#team-*',
        ADMIN_TOKEN,
        SCHEDULE_CORE_PRUNE: 'off',
        // Its own schedule as shipped (test hubs turn it off).
        SCHEDULE_CORE_INSIGHTS_WEEKLY: '',
      },
    });
    const alpha = (when: Date, version: string, built: Date | null) =>
      deploymentAt(when, {
        applicationName: 'alpha',
        team: 'team-a',
        slackChannels: '#team-a',
        version,
        created: built ? createdAt(built) : null,
      });
    await writeHistory(hub.hub.db, hub.hub.config, [
      alpha(at(before, 1, 10), '1', at(before, 1, 9)),
      alpha(at(week, 0, 10), '2', at(week, 0, 8)),
      errorAt(at(week, 0, 10, 30), 'alpha'),
      alpha(at(week, 1, 10), '3', at(week, 1, 9, 30)),
      alpha(at(week, 2, 10), '4', null),
      // team-b names a channel with its name and one without: only the first is the team's.
      deploymentAt(at(week, 3, 9), {
        applicationName: 'beta',
        team: 'team-b',
        slackChannels: '#team-b-dev,#other-channel',
        version: '1',
        created: createdAt(at(week, 3, 8, 50)),
      }),
      // ops's channel is outside SLACK_ALLOWED_CHANNELS: dropped, and said so.
      deploymentAt(at(week, 4, 12), {
        applicationName: 'gamma',
        team: 'ops',
        slackChannels: '#ops-alerts',
        version: '1',
        created: null,
      }),
    ]);
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  const sections = (channel: string) =>
    fake.roots(channel).map((message) => message.blocks.map((block: Json) => block.text.text));
  const link = (params: Record<string, string>, label: string) =>
    `<${hub.hub.config.publicUrl}/insights?${new URLSearchParams({ cluster: 'active', ...params, from: new Date(before).toISOString(), to: new Date(end).toISOString(), interval: 'day' }).toString().replace(/&/g, '&amp;')}|${label}>`;

  it('posts last week against the week before: the whole cluster to SLACK_CHANNELS, each team its own to its channel', async () => {
    const schedules = (await (await fetch(`${hub.url}/api/v1/schedules`)).json()) as Json;
    expect(
      schedules.schedules.find((schedule: { id: string }) => schedule.id === 'core.insights-weekly'),
    ).toMatchObject({
      owner: 'core',
      cron: '0 8 * * 1',
    });
    const run = await fetch(`${hub.url}/api/v1/schedules/core.insights-weekly/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(run.status).toBe(202);
    const event = await waitFor(
      async () =>
        (await hub.hub.db.query<{ id: string }>(`select id from events where type = 'insights.weekly'`)).rows[0],
      10_000,
      'the weekly event',
    );
    const delivery = await finishedDelivery(hub, event.id);
    await quiesce(hub);
    const day = new Date(week).toISOString().slice(0, 10);

    expect(sections('#deployments')).toEqual([
      [
        [
          `*Delivery insights in active, week of ${day}* (against the week before)`,
          '• Deployments: *5* on 5 days (+4; 1 the week before)',
          '• Change failure rate: *20 %*, 1 of 5 (was 0 %, 0 of 1)',
          '• Time to restore: *23 h 30 min* median of 1 (was n/a of 0)',
          '• Lead time: *30 min* median of 3 (was 1 h of 1)',
        ].join('\n'),
        'Deployments per team: ops 1 (+1) · team-a 3 (+2) · team-b 1 (+1)',
        link({}, 'The insights on the hub'),
      ],
    ]);
    expect(sections('#team-a')).toEqual([
      [
        [
          `*Delivery insights of team-a in active, week of ${day}* (against the week before)`,
          '• Deployments: *3* on 3 days (+2; 1 the week before)',
          '• Change failure rate: *33.3 %*, 1 of 3 (was 0 %, 0 of 1)',
          '• Time to restore: *23 h 30 min* median of 1 (was n/a of 0)',
          '• Lead time: *1 h 15 min* median of 2 (was 1 h of 1)',
        ].join('\n'),
        link({ team: 'team-a' }, 'team-a on the hub'),
      ],
    ]);
    expect(sections('#team-b-dev')).toEqual([
      [
        [
          `*Delivery insights of team-b in active, week of ${day}* (against the week before)`,
          '• Deployments: *1* on 1 day (+1; 0 the week before)',
          '• Change failure rate: *0 %*, 0 of 1 (was n/a, 0 of 0)',
          '• Time to restore: *n/a* median of 0 (was n/a of 0)',
          '• Lead time: *10 min* median of 1 (was n/a of 0)',
        ].join('\n'),
        link({ team: 'team-b' }, 'team-b on the hub'),
      ],
    ]);
    expect(fake.roots('#other-channel')).toEqual([]);
    expect(fake.roots('#ops-alerts')).toEqual([]);
    expect(fake.rateLimited()).toEqual([]);
    expect(delivery).toMatchObject({
      status: 'succeeded',
      result: {
        summary: 'posted to #deployments, #team-a, #team-b-dev; dropped #ops-alerts (not in SLACK_ALLOWED_CHANNELS)',
      },
    });
  });
});

describe('the weekly summary worded by a stored template', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, {
      env: {
        SLACK_CHANNELS: 'deployments',
        SLACK_ALLOWED_CHANNELS: '#team-*',
        ADMIN_TOKEN,
        SCHEDULE_CORE_PRUNE: 'off',
      },
    });
    const week = truncate(Date.now(), 'week') - 7 * DAY;
    await writeHistory(hub.hub.db, hub.hub.config, [
      deploymentAt(new Date(week + DAY), {
        applicationName: 'alpha',
        team: 'team-a',
        slackChannels: '#team-a',
        version: '1',
        created: null,
      }),
    ]);
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  it("words the overall summary and each team's, the team's entry as `team`", async () => {
    const template =
      '{% if team %}{{ team.team }}: {{ team.current.deployments }} in {{ cluster }}' +
      '{% else %}All of {{ cluster }}: {{ overall.current.deployments }}, {{ overall.current.changeFailureRate | percent }} failed{% endif %}';
    const stored = await fetch(`${hub.url}/api/v1/notify/templates/slack/weekly`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ template }),
    });
    expect(stored.status).toBe(200);
    await fetch(`${hub.url}/api/v1/schedules/core.insights-weekly/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const event = await waitFor(
      async () =>
        (await hub.hub.db.query<{ id: string }>(`select id from events where type = 'insights.weekly'`)).rows[0],
      10_000,
      'the weekly event',
    );
    expect(await finishedDelivery(hub, event.id)).toMatchObject({ status: 'succeeded' });
    expect(fake.roots('#deployments').map((message) => message.text)).toEqual(['All of active: 1, 0 % failed']);
    expect(fake.roots('#team-a').map((message) => message.text)).toEqual(['team-a: 1 in active']);
  });
});

describe('where the weekly summary goes', () => {
  const figures: WeekFigures = {
    deployments: 1,
    deploymentDays: 1,
    failed: 0,
    changeFailureRate: 0,
    restored: 0,
    timeToRestoreMedianMs: null,
    leadTimes: 0,
    leadTimeMedianMs: null,
  };
  const summary = (teams: Array<[string, string[]]>): InsightsWeekly => ({
    cluster: 'active',
    week: { from: '2026-11-30T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z' },
    previousWeek: { from: '2026-11-23T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' },
    link: 'https://hub.example/insights',
    overall: { current: figures, previous: figures },
    teams: teams.map(([team, slackChannels]) => ({
      team,
      slackChannels,
      link: `https://hub.example/insights?team=${team}`,
      current: figures,
      previous: figures,
    })),
  });

  it('sends only the overall summary to SLACK_CHANNEL_OVERRIDE, and one message per channel, the overall one first', () => {
    const routes = weeklyPosts(
      { channelOverride: ['#override'], channels: ['#deployments'] },
      summary([['team-a', ['#team-a']]]),
    );
    expect(routes.posts.map((post) => [post.channel, post.message.text])).toEqual([
      ['#override', 'Delivery insights in active, week of 2026-11-30: 1 deployment'],
    ]);

    const shared = weeklyPosts(
      { channelOverride: [], channels: ['#deployments'] },
      summary([
        ['team-a', ['#Team-A', '#deployments']],
        ['team-ab', ['#team-a']],
      ]),
    );
    expect(shared.posts.map((post) => [post.channel, post.message.text])).toEqual([
      ['#deployments', 'Delivery insights in active, week of 2026-11-30: 1 deployment'],
      ['#team-a', 'Delivery insights of team-a, week of 2026-11-30: 1 deployment'],
    ]);
  });

  it('escapes team names from payloads', () => {
    const { posts } = weeklyPosts({ channelOverride: [], channels: [] }, summary([['<!channel>', ['#x-<!channel>']]]));
    expect(JSON.stringify(posts.map((post) => post.message.blocks))).not.toContain('<!channel>');
    expect(posts[0]!.message.blocks[0]).toMatchObject({ text: { text: expect.stringContaining('&lt;!channel&gt;') } });
  });
});
