import fc from 'fast-check';
import semver from 'semver';
import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { EventBus } from '../../src/bus/bus.js';
import { enrichDeployment } from '../../src/events/enrich.js';
import { looseSemver, rollbackFrom } from '../../src/events/rollback.js';
import { PLACE, placementLocks } from '../../src/store/deployment-placement.js';
import { deploymentSchema } from '../../src/events/schemas.js';
import { HubStream } from '../../src/stream/hub-stream.js';
import { sendStructured, serviceEvent } from '../fakes/cdevents.js';
import { deploymentStatusPayload, sendGithub } from '../fakes/webhooks.js';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../support/hub.js';

const SECRET = 'github-webhook-secret-for-tests';

describe('rollbackFrom (the rule)', () => {
  const before = (version: string | null, seenBeforeCurrent = false, removed = false) => ({
    version,
    removed,
    seenBeforeCurrent,
  });

  it('compares semantic versions when both parse, a v prefix allowed', () => {
    expect(rollbackFrom('2.0.0', before('2.1.0'))).toBe('2.1.0');
    expect(rollbackFrom('v1.9.9', before('v2.0.0'))).toBe('v2.0.0');
    expect(rollbackFrom('2.2.0', before('2.1.0', true))).toBeNull();
    expect(rollbackFrom('2.1.0-rc.1', before('2.1.0'))).toBe('2.1.0');
  });

  it('otherwise asks whether the cluster ran the version before the current one arrived', () => {
    expect(rollbackFrom('2.0.11_abc123', before('2.0.12_def456', true))).toBe('2.0.12_def456');
    expect(rollbackFrom('2.0.11_abc123', before('2.0.12_def456', false))).toBeNull();
  });

  it('reads versions as semver’s loose parse does, without asking it about versions that cannot be one', () => {
    const part = fc.oneof(fc.nat({ max: 20 }).map(String), fc.constantFrom('01', 'x', '', 'rc', '-', '+', '_'));
    const version = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.constantFrom('', 'v', '=', ' ', 'v ', '=v', '\t'), fc.array(part, { minLength: 1, maxLength: 5 }))
        .map(([prefix, parts]) => `${prefix}${parts.join('.')}`),
      fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.string()).map((parts) => parts.join('.')),
    );
    fc.assert(
      fc.property(version, (text) => {
        expect(looseSemver(text)?.version ?? null).toBe(semver.parse(text, { loose: true })?.version ?? null);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is no rollback for a redeploy, a first deployment, an unversioned one, or after a removal', () => {
    expect(rollbackFrom('2.0.0', before('2.0.0', true))).toBeNull();
    expect(rollbackFrom('2.0.0', before(null))).toBeNull();
    expect(rollbackFrom(null, before('2.0.0'))).toBeNull();
    expect(rollbackFrom('1.0.0', before('2.0.0', true, true))).toBeNull();
  });
});

/**
 * Where a deployment stands among its application's deployments on a cluster, decided as it is stored: the same
 * deployment from a second source is linked to the first and not fanned out again; an older version than the one
 * running is a rollback.
 */
describe('placing deployments as they are stored', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({
      modules: [databaseModule],
      env: { GITHUB_WEBHOOK_SECRET: SECRET, ENVIRONMENT_CLUSTERS: 'production:active' },
    });
  });
  afterAll(async () => {
    await hub.stop();
  });

  const aspen = (overrides: Record<string, unknown>) =>
    request(hub.url).put('/api/v1/deployment').send(aspenDeployment(overrides)).expect(200);
  const event = async (id: string) => (await request(hub.url).get(`/api/v1/events/${id}`).expect(200)).body;
  const historyRows = async (application: string) =>
    (await request(hub.url).get('/api/v1/deployments').query({ applicationName: application }).expect(200)).body
      .deployments;

  it('links the second source’s report of one deployment to the first, sends it nowhere, and says so', async () => {
    const first = await aspen({ applicationName: 'twin-app', version: '1.4.0', cluster: 'active' });
    expect(first.body.deliveries).toHaveLength(1);
    const second = await sendGithub(
      `${hub.url}/api/v1/github`,
      'deployment_status',
      deploymentStatusPayload({ repository: 'kth/twin-app', ref: '1.4.0' }),
      { secret: SECRET },
    );
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'accepted', sameAs: first.body.id, deliveries: [] });
    const linked = await event(second.body.id);
    expect(linked).toMatchObject({ parentId: first.body.id, source: 'github', deliveries: [] });
    expect((await event(first.body.id)).children).toEqual([expect.objectContaining({ id: second.body.id })]);
    const page = await request(hub.url).get(`/events/${second.body.id}`).expect(200);
    expect(page.text).toMatch(/<dt>source<\/dt>\s*<dd>github<\/dd>/);
    expect(page.text).toMatch(new RegExp(`<dt>same deployment as</dt>\\s*<dd><a href="/events/${first.body.id}">`));
    await waitForQuiet(hub);
    expect(await historyRows('twin-app')).toHaveLength(1);
  });

  it('keeps one deployment when two sources report it at the same moment', async () => {
    const [cdevents, github] = await Promise.all([
      sendStructured(
        `${hub.url}/api/v1/cdevents`,
        serviceEvent('deployed', { name: 'race-app', version: '3.0.0', environment: 'production' }),
      ),
      sendGithub(
        `${hub.url}/api/v1/github`,
        'deployment_status',
        deploymentStatusPayload({ repository: 'kth/race-app', ref: '3.0.0' }),
        { secret: SECRET },
      ),
    ]);
    const linked = [cdevents.body, github.body].filter((answer) => answer.sameAs);
    expect(linked).toHaveLength(1);
    const firstId = [cdevents.body, github.body].find((answer) => !answer.sameAs).id;
    expect(linked[0].sameAs).toBe(firstId);
  });

  it('keeps two deployments of one version from the same source, and reports too far apart', async () => {
    const a = await aspen({ applicationName: 'redeploy-app', version: '1.0.0', created: '1763800000' });
    const b = await aspen({ applicationName: 'redeploy-app', version: '1.0.0', created: '1763800100' });
    expect(b.body.sameAs).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);

    const old = await aspen({ applicationName: 'late-app', version: '5.0.0' });
    await hub.hub.db.query(`update events set received_at = received_at - interval '10 minutes' where id = $1`, [
      old.body.id,
    ]);
    const late = await sendGithub(
      `${hub.url}/api/v1/github`,
      'deployment_status',
      deploymentStatusPayload({ repository: 'kth/late-app', ref: '5.0.0' }),
      { secret: SECRET },
    );
    expect(late.body.sameAs).toBeUndefined();
    expect(late.body.deliveries).toHaveLength(1);
  });

  it('marks an older semantic version a rollback from the running one', async () => {
    await aspen({ applicationName: 'semver-app', version: '2.0.0' });
    await aspen({ applicationName: 'semver-app', version: '2.1.0' });
    const back = await aspen({ applicationName: 'semver-app', version: '2.0.0', created: '1763800200' });
    expect((await event(back.body.id)).payload).toMatchObject({ rollback: true, rolledBackFrom: '2.1.0' });
    const forward = await aspen({ applicationName: 'semver-app', version: '2.2.0' });
    expect((await event(forward.body.id)).payload).toMatchObject({ rollback: false, rolledBackFrom: null });
  });

  it('marks a version the cluster ran before the current one a rollback, and rolling forward again not', async () => {
    await aspen({ applicationName: 'build-app', version: 'b100_aaa' });
    await aspen({ applicationName: 'build-app', version: 'b101_bbb' });
    const back = await aspen({ applicationName: 'build-app', version: 'b100_aaa', created: '1763800300' });
    expect((await event(back.body.id)).payload).toMatchObject({ rollback: true, rolledBackFrom: 'b101_bbb' });
    const again = await aspen({ applicationName: 'build-app', version: 'b101_bbb', created: '1763800400' });
    expect((await event(again.body.id)).payload).toMatchObject({ rollback: false });
    const other = await aspen({ applicationName: 'build-app', version: 'b100_aaa', cluster: 'stage' });
    expect((await event(other.body.id)).payload).toMatchObject({ rollback: false });
  });

  it('takes a CDEvents service.rolledback as a rollback from the running version', async () => {
    await aspen({ applicationName: 'told-app', version: 'build-7' });
    const res = await sendStructured(
      `${hub.url}/api/v1/cdevents`,
      serviceEvent('rolledback', { name: 'told-app', version: 'build-6', environment: 'production' }),
    );
    expect((await event(res.body.id)).payload).toMatchObject({ rollback: true, rolledBackFrom: 'build-7' });
  });

  it('is no rollback right after a removal', async () => {
    await aspen({ applicationName: 'removed-app', version: '3.0.0' });
    await aspen({ applicationName: 'removed-app', version: '3.0.0', replicas: 0 });
    const back = await aspen({ applicationName: 'removed-app', version: '2.0.0' });
    expect((await event(back.body.id)).payload).toMatchObject({ rollback: false });
  });

  it('compares deployments of one application arriving together each with the one stored just before it', async () => {
    await aspen({ applicationName: 'batch-app', version: '1.1.0' });
    const answers = await Promise.all(
      ['1.2.0', '1.0.0', '1.3.0'].map((version) =>
        request(hub.url)
          .put('/api/v1/deployment')
          .send(aspenDeployment({ applicationName: 'batch-app', version })),
      ),
    );
    const rows = await hub.hub.db.query<{ version: string; rollback: boolean; from: string | null }>(
      `select payload->>'version' as version, (payload->>'rollback')::boolean as rollback, payload->>'rolledBackFrom' as from
       from events where id = any($1) order by received_at`,
      [answers.map((answer) => answer.body.id)],
    );
    // Whatever order they were stored in (one batch or several), each is compared with the one just before it.
    const order = rows.rows;
    let running = '1.1.0';
    for (const row of order) {
      const older = row.version.localeCompare(running, undefined, { numeric: true }) < 0;
      expect({ version: row.version, rollback: row.rollback, from: row.from }).toEqual({
        version: row.version,
        rollback: older,
        from: older ? running : null,
      });
      running = row.version;
    }
  });

  it('places a batch holding several deployments of one application in order: linked, then compared', async () => {
    const bus = new EventBus(
      { writeDb: hub.hub.db, db: hub.hub.db },
      { dedupeWindowSeconds: 60, stormWindowSeconds: 300, sameDeploymentWindowSeconds: 300 },
      new HubStream(hub.hub.logger),
    );
    const deployment = (version: string) =>
      enrichDeployment(
        deploymentSchema.parse(aspenDeployment({ applicationName: 'one-batch-app', version })),
        hub.hub.config,
      );
    const appended = await hub.hub.db.transaction((client) =>
      bus.append(client, [
        { type: 'deployment', payload: deployment('4.0.0'), ingestSource: 'aspen' },
        { type: 'deployment', payload: deployment('4.0.0'), ingestSource: 'cdevents' },
        { type: 'deployment', payload: deployment('3.9.0'), ingestSource: 'aspen' },
        { type: 'deployment', payload: deployment('4.1.0'), ingestSource: 'aspen' },
      ]),
    );
    const [first, twin, back, forward] = appended.accepted;
    expect(twin!.sameAs).toBe(first!.eventId);
    expect(first!.sameAs).toBeUndefined();
    const rows = await hub.hub.db.query<{ id: string; rollback: boolean; from: string | null }>(
      `select id, (payload->>'rollback')::boolean as rollback, payload->>'rolledBackFrom' as from
       from events where application_name = 'one-batch-app' and parent_id is null order by received_at`,
    );
    expect(rows.rows).toEqual([
      { id: first!.eventId, rollback: false, from: null },
      { id: back!.eventId, rollback: true, from: '4.0.0' },
      { id: forward!.eventId, rollback: false, from: null },
    ]);
  });

  it('reads a handful of rows to place a deployment, however long its application’s history', async () => {
    // Fresh statistics, as on a new hub under load: 3,000 deployments of one application, all inside the
    // same-deployment window, with versions that are not semantic (so every lookup of the statement runs).
    await hub.hub.db.query(
      `insert into events (id, type, payload, application_name, cluster, source, received_at)
       select gen_random_uuid(), 'deployment',
              jsonb_build_object('applicationName', 'long-app', 'cluster', c, 'version', 'build-' || n),
              'long-app', c, 'aspen', now() - make_interval(secs => 3000 - n)
       from generate_series(1, 3000) as n, unnest(array['active', null]) as c`,
    );
    type PlanNode = { 'Rows Removed by Filter'?: number; 'Shared Hit Blocks'?: number; Plans?: PlanNode[] };
    const removed = (node: PlanNode): number =>
      (node['Rows Removed by Filter'] ?? 0) + (node.Plans ?? []).reduce((sum, child) => sum + removed(child), 0);
    for (const cluster of ['active', null]) {
      const input = { i: 0, application: 'long-app', cluster, version: 'build-17', removal: false };
      const explained = await hub.hub.db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
        `explain (analyze, buffers, format json) ${PLACE}`,
        [JSON.stringify([{ ...input, source: 'github', semver: false, told: false }]), 300],
      );
      const plan = explained.rows[0]!['QUERY PLAN'][0]!.Plan;
      // Before the index for it, finding the latest deployment read all 3,000.
      expect(removed(plan)).toBeLessThan(20);
      expect(plan['Shared Hit Blocks']).toBeLessThan(100);
    }
  });

  it('makes two replicas placing one deployment take turns: the second waits, then is linked to the first', async () => {
    // Two buses on their own connections stand for two replicas. A third transaction holds the application's
    // lock first, so both must be waiting on it at once before either places anything.
    const replica = () =>
      new EventBus(
        { writeDb: hub.hub.db, db: hub.hub.db },
        { dedupeWindowSeconds: 60, stormWindowSeconds: 300, sameDeploymentWindowSeconds: 300 },
        new HubStream(hub.hub.logger),
      );
    const payload = enrichDeployment(
      deploymentSchema.parse(aspenDeployment({ applicationName: 'raced-app', version: '5.0.0' })),
      hub.hub.config,
    );
    const holder = await hub.hub.db.pool.connect();
    try {
      await holder.query('begin');
      await holder.query(
        placementLocks([{ type: 'deployment', payload, ingestSource: 'aspen', parentId: null, targets: [] }])!,
      );
      const answers = Promise.all([
        replica().accept({ type: 'deployment', payload, ingestSource: 'aspen' }),
        replica().accept({ type: 'deployment', payload, ingestSource: 'github' }),
      ]);
      await waitFor(async () => {
        const waiting = await hub.hub.db.query<{ n: number }>(
          `select count(*)::int as n from pg_locks
           where locktype = 'advisory' and not granted
             and database = (select oid from pg_database where datname = current_database())`,
        );
        return waiting.rows[0]!.n === 2 ? true : null;
      });
      await holder.query('commit');
      const [aspenAnswer, githubAnswer] = await answers;
      const first = aspenAnswer.sameAs ? githubAnswer : aspenAnswer;
      const second = aspenAnswer.sameAs ? aspenAnswer : githubAnswer;
      expect(first.sameAs).toBeUndefined();
      expect(second.sameAs).toBe(first.eventId);
    } finally {
      holder.release();
    }
  });
});
