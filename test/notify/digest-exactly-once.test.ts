import pg from 'pg';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment } from '../support/aspen.js';
import { createTestDatabase } from '../support/database.js';
import { waitFor } from '../support/hub.js';
import { spawnHub, type HubProcess } from '../support/process-hub.js';

/**
 * Exactly once on the digest path: a flood into one channel is posted in the channel's turns, most of it as
 * digests. A replica killed (kill -9) while its posts are on the way leaves claims whose fate it never learnt;
 * whoever takes over must find those posts and not name the same application again in a digest of its own.
 * Each deployment is a different application, so "named twice" is counted on what the channel shows.
 */

const CHANNEL = '#flood-kill';

function application(n: number): string {
  return `kill-app-${String(n).padStart(4, '0')}`;
}

async function put(url: string, n: number): Promise<string | null> {
  try {
    const res = await fetch(`${url}/api/v1/deployment`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        aspenDeployment({ applicationName: application(n), slackChannels: CHANNEL, version: `v${n}` }),
      ),
    });
    return res.status === 200 ? ((await res.json()) as { id: string }).id : null;
  } catch {
    return null; // the hub died before answering: not accepted, so not owed
  }
}

/** How many top-level messages in the channel name each application (its own root, or a line of a digest). */
function mentions(slack: FakeSlack, count: number): number[] {
  const texts = slack.roots(CHANNEL).map((message) => `${message.text}\n${JSON.stringify(message.blocks)}`);
  return Array.from({ length: count }, (_, n) => {
    const name = new RegExp(`${application(n)}(?![0-9])`);
    return texts.filter((text) => name.test(text)).length;
  });
}

describe.each([
  ['one replica, killed and started again', 1],
  ['two replicas, one killed', 2],
])('a flood into one channel with a kill -9 in the middle (%s)', (_label, replicas) => {
  it('names every accepted application in the channel once: none lost, none twice', async () => {
    const database = await createTestDatabase();
    const slack = await FakeSlack.start({ token: 'xoxb-digest-kill', rateLimit: { burst: 3, intervalMs: 1000 } });
    // Slack takes each post at once and answers late: a kill then leaves posts whose fate the hub never learnt.
    slack.delayAnswers(1500);
    const env = {
      DATABASE_URL: database.url,
      SLACK_TOKEN: 'xoxb-digest-kill',
      SLACK_API_BASE_URL: slack.apiUrl,
      IDEMPOTENCY_WINDOW_SECONDS: '0',
    };
    const hubs: HubProcess[] = [];
    const client = new pg.Client({ connectionString: database.url });
    try {
      hubs.push(await spawnHub(env));
      if (replicas === 2) hubs.push(await spawnHub(env));
      await client.connect();
      const [victim] = hubs;
      const accepted: string[] = [];
      let sent = 0;
      // The first wave goes to every replica; the victim dies once its posts are on the way.
      const wave = async (urls: string[], total: number) => {
        while (sent < total) {
          const batch = await Promise.all(
            Array.from({ length: 10 }, (_, i) => put(urls[i % urls.length]!, (sent += 1) - 1)),
          );
          accepted.push(...batch.filter((id): id is string => id !== null));
        }
      };
      await wave(
        hubs.map((hub) => hub.url),
        80,
      );
      // Killed the moment a fourth top-level message (the first after the burst of three: a digest) is in the
      // channel, whose answer takes 1.5 s: the post is there, and the victim never learns it. Counting attempts
      // instead would also count a 429 answered at once, which leaves nothing in doubt.
      const until = Date.now() + 30_000;
      while (slack.roots(CHANNEL).length < 4 && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 5));
      victim!.child.kill('SIGKILL');
      await victim!.exited;

      // The survivor (or the victim started again) takes over, and the flood goes on meanwhile.
      const survivor = replicas === 2 ? hubs[1]! : await spawnHub(env);
      if (replicas === 1) hubs.push(survivor);
      await wave([survivor.url], 140);

      const settled = await waitFor(
        async () => {
          const rows = await client.query<{ n: number }>(
            `select count(*)::int as n from deliveries where module = 'slack' and status = 'succeeded' and event_id = any($1::uuid[])`,
            [accepted],
          );
          return rows.rows[0]!.n === accepted.length;
        },
        120_000,
        'every accepted deployment delivered to Slack',
      );
      expect(settled).toBe(true);

      const acceptedApps = new Set(
        (
          await client.query<{ name: string }>(
            `select payload->>'applicationName' as name from events where id = any($1::uuid[])`,
            [accepted],
          )
        ).rows.map((row) => row.name),
      );
      const counts = mentions(slack, sent);
      const named = (n: number) => counts[n]!;
      const lost = [...Array(sent).keys()].filter((n) => acceptedApps.has(application(n)) && named(n) === 0);
      const twice = [...Array(sent).keys()].filter((n) => named(n) > 1).map(application);
      const digests = slack.roots(CHANNEL).filter((message) => /deployments? in the last/.test(message.text)).length;
      process.stdout.write(
        `digest kill (${replicas} replica${replicas === 1 ? '' : 's'}): ${accepted.length} accepted, ` +
          `${slack.roots(CHANNEL).length} messages in ${CHANNEL} (${digests} digests), ` +
          `${slack.attempts('conversations.history').length} lookups, ${lost.length} lost, ${twice.length} named twice\n`,
      );
      expect({ lost, twice }).toEqual({ lost: [], twice: [] });
      // The flood did go out as digests. Alone, the killed replica held the channel's turn, so the restarted one
      // had a post of unknown fate to look for; with two, either may have held it at the kill.
      expect(digests).toBeGreaterThan(0);
      if (replicas === 1) expect(slack.attempts('conversations.history').length).toBeGreaterThan(0);
    } finally {
      await client.end().catch(() => undefined);
      for (const hub of hubs) {
        if (hub.child.exitCode === null && hub.child.signalCode === null) {
          hub.child.kill('SIGTERM');
          await hub.exited;
        }
      }
      await slack.close();
      await database.drop();
    }
  }, 240_000);
});
