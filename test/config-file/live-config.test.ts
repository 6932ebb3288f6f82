import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment } from '../support/aspen.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { parsePrometheus, sampleValue } from '../support/prometheus.js';
import { startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN = 'config-file-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };
const inADay = () => new Date(Date.now() + 86_400_000).toISOString();

/** A file routing deployments to `channel`, with a template, a silence and an external check. */
function fileText(channel: string, endsAt: string): string {
  return `# The hub's configuration, kept in git.
routes:
  - name: file deployments
    match: { kind: [deployment] }
    to: [{ target: slack, addresses: ["${channel}"] }]
templates:
  slack:
    deployment: "Deployed from the file: {{ event.type }}"
silences:
  - name: quiet-app
    matchers: { application: [quiet-app] }
    endsAt: "${endsAt}"
    reason: the quiet app is being moved
checks:
  - name: nightly-backup
    description: The nightly backup job
    expectEverySeconds: 86400
inspections:
  core.deliveries:
    deadWarning: 3
modules:
  database:
    enabled: false
  slack:
    settings:
      SLACK_CHANNELS: "#settings-from-file"
`;
}

interface TestAnswer {
  source: string;
  sends: Array<{ address: string; route: string }>;
}

async function routedTo(hub: TestHub): Promise<string[]> {
  const answer = await request(hub.url)
    .post('/api/v1/notify/test')
    .set(auth)
    .send({ type: 'deployment', payload: aspenDeployment({ slackChannels: '#payload-channel' }) })
    .expect(200);
  return (answer.body as TestAnswer).sends.map((send) => send.address);
}

async function metrics(hub: TestHub) {
  const text = (await request(hub.url).get('/metrics').expect(200)).text;
  return parsePrometheus(text);
}

describe('a configuration file kept live', () => {
  let fake: FakeSlack;
  let hub: TestHub;
  let dir: string;
  let file: string;
  const endsAt = inADay();

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-config-'));
    file = path.join(dir, 'alvares.yaml');
    await writeFile(file, fileText('#from-file', endsAt));
    hub = await startSlackHub(fake, {
      env: { ADMIN_TOKEN: ADMIN, SLACK_CHANNELS: '#deployments', ALVARES_CONFIG: file },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts with the file’s routes, template, silence and check live, each marked as the file’s', async () => {
    expect(await routedTo(hub)).toEqual(['#from-file']);
    const routes = await request(hub.url).get('/api/v1/notify/routes').expect(200);
    expect(routes.body).toMatchObject({ source: 'stored', routes: [{ name: 'file deployments' }] });
    const templates = await request(hub.url).get('/api/v1/notify/templates').expect(200);
    expect(templates.body.templates).toContainEqual(
      expect.objectContaining({
        provider: 'slack',
        kind: 'deployment',
        source: 'stored',
        template: 'Deployed from the file: {{ event.type }}',
      }),
    );
    const silences = await request(hub.url).get('/api/v1/silences').expect(200);
    expect(silences.body.silences).toEqual([
      expect.objectContaining({
        matchers: { application: ['quiet-app'] },
        reason: 'the quiet app is being moved',
        origin: 'file',
        createdBy: `file:${file}`,
      }),
    ]);
    const checks = await request(hub.url).get('/api/v1/checks').expect(200);
    expect(JSON.stringify(checks.body)).toContain('nightly-backup');
    const parameters = await request(hub.url)
      .get('/api/v1/inspections/core.deliveries/parameters')
      .set(auth)
      .expect(200);
    expect(parameters.body.parameters).toContainEqual(
      expect.objectContaining({ name: 'deadWarning', value: 3, source: 'central' }),
    );
    const modules = await request(hub.url).get('/api/v1/modules').expect(200);
    expect(modules.body.modules).toContainEqual(expect.objectContaining({ name: 'database', enabled: false }));
    const slack = await request(hub.url).get('/api/v1/admin/modules/slack/config').set(auth).expect(200);
    expect(slack.body).toMatchObject({ source: 'runtime', values: { SLACK_CHANNELS: '#settings-from-file' } });

    const objects = await request(hub.url).get('/api/v1/config/objects').set(auth).expect(200);
    const origins = Object.fromEntries(
      (objects.body.objects as Array<{ kind: string; key: string; origin: string; file?: string }>)
        .filter((object) => object.kind !== 'module')
        .map((object) => [`${object.kind} ${object.key}`, `${object.origin} ${object.file ?? ''}`.trim()]),
    );
    expect(origins).toEqual({
      'routes *': `file ${file}`,
      'template slack:deployment': `file ${file}`,
      'silence quiet-app': `file ${file}`,
      'check nightly-backup': `file ${file}`,
      'parameter core.deliveries:deadWarning': `file ${file}`,
      'module-config slack': `file ${file}`,
    });
    expect(objects.body.objects).toContainEqual({ kind: 'module', key: 'database', origin: 'file', file });
    expect(objects.body.objects).toContainEqual({ kind: 'module', key: 'slack', origin: 'default' });
    const families = await metrics(hub);
    expect(sampleValue(families, 'alvares_config_reload_success')).toBe(1);
    expect(sampleValue(families, 'alvares_config_reload_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    const hash = objects.body.hash as string;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sampleValue(families, 'alvares_config_hash_info', { hash })).toBe(1);
  });

  it('answers 409 naming the file to an API write of what the file owns, and lets the token be rotated', async () => {
    const put = await request(hub.url)
      .put('/api/v1/notify/routes')
      .set(auth)
      .send({ routes: [{ name: 'mine', to: [{ target: 'slack', addresses: ['#mine'] }] }] })
      .expect(409);
    expect(put.body.error.message).toContain(file);
    await request(hub.url).delete('/api/v1/notify/routes').set(auth).expect(409);
    await request(hub.url)
      .put('/api/v1/notify/templates/slack/deployment')
      .set(auth)
      .send({ template: 'mine' })
      .expect(409);
    const silence = (await request(hub.url).get('/api/v1/silences').expect(200)).body.silences[0] as { id: string };
    await request(hub.url).delete(`/api/v1/silences/${silence.id}`).set(auth).expect(409);
    await request(hub.url).put('/api/v1/checks/nightly-backup').set(auth).send({ description: 'mine' }).expect(409);
    await request(hub.url)
      .put('/api/v1/inspections/core.deliveries/parameters')
      .set(auth)
      .send({ deadWarning: 5 })
      .expect(409);
    await request(hub.url).delete('/api/v1/inspections/core.deliveries/parameters/deadWarning').set(auth).expect(409);
    await request(hub.url).post('/api/v1/modules/database/enable').set(auth).expect(409);
    await request(hub.url)
      .put('/api/v1/admin/modules/slack/config')
      .set(auth)
      .send({ SLACK_CHANNELS: '#mine' })
      .expect(409);
    // A parameter the file does not hold is the API's to set.
    await request(hub.url)
      .put('/api/v1/inspections/core.deliveries/parameters')
      .set(auth)
      .send({ queuedErrorSeconds: 600 })
      .expect(200);
    // Without a token the write is refused as before (401), telling nothing of the file.
    await request(hub.url).put('/api/v1/notify/routes').send({ routes: [] }).expect(401);
    // The file holds no token: the tool's owner gets one by rotating, and reports with it.
    const rotated = await request(hub.url)
      .put('/api/v1/checks/nightly-backup')
      .set(auth)
      .send({ rotateToken: true })
      .expect(200);
    const token = rotated.body.token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    await request(hub.url)
      .post('/api/v1/checks/nightly-backup/results')
      .set({ authorization: `Bearer ${token}` })
      .send({ status: 'ok', message: 'backed up' })
      .expect(201);
    // What the API made stays the API's: a template of another kind is written as before.
    await request(hub.url)
      .put('/api/v1/notify/templates/slack/error')
      .set(auth)
      .send({ template: 'api words' })
      .expect(200);
  });

  it('makes an edit of the file live within 10 s, and removes what the file no longer holds', async () => {
    const started = Date.now();
    await writeFile(file, fileText('#edited', endsAt).replace(/silences:[\s\S]*?reason: .*\n/, ''));
    await waitFor(async () => (await routedTo(hub)).includes('#edited'), 10_000, 'the edited route');
    expect(Date.now() - started).toBeLessThan(10_000);
    const silences = await request(hub.url).get('/api/v1/silences').expect(200);
    expect(silences.body.silences).toEqual([]);
    // The API's template stays: the file never held it.
    const templates = await request(hub.url).get('/api/v1/notify/templates').expect(200);
    expect(templates.body.templates).toContainEqual(expect.objectContaining({ kind: 'error', template: 'api words' }));
  });

  it('keeps the last good configuration when an edit is invalid, and says so on /metrics', async () => {
    const before = sampleValue(await metrics(hub), 'alvares_config_reload_timestamp_seconds')!;
    await writeFile(
      file,
      'routes:\n  - name: broken\n    to: [{ target: nowhere, addresses: ["#x"] }]\n    colour: red\n',
    );
    const families = await waitFor(async () => {
      const read = await metrics(hub);
      return sampleValue(read, 'alvares_config_reload_success') === 0 ? read : null;
    });
    expect(sampleValue(families, 'alvares_config_reload_timestamp_seconds')).toBeGreaterThan(before);
    expect(await routedTo(hub)).toEqual(['#edited']);
    const reload = await request(hub.url).post('/api/v1/admin/config/reload').set(auth).expect(400);
    expect(reload.body.error.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'routes.0.colour' }),
        expect.objectContaining({ field: 'routes.0.to.0.target' }),
      ]),
    );
    // Fixed: the reload route applies it at once.
    await writeFile(file, fileText('#fixed', endsAt));
    const fixed = await request(hub.url).post('/api/v1/admin/config/reload').set(auth).expect(200);
    expect(fixed.body.reloaded).toBe(true);
    expect(await routedTo(hub)).toEqual(['#fixed']);
    expect(sampleValue(await metrics(hub), 'alvares_config_reload_success')).toBe(1);
  });

  it('exports the live configuration as a file whose validation answers an empty diff', async () => {
    // Something made through the API too: the export names it, and the file would own it unchanged.
    await request(hub.url)
      .post('/api/v1/silences')
      .set(auth)
      .send({ matchers: { team: ['team-night'] }, endsAt: inADay(), reason: 'night shift' })
      .expect(201);
    const exported = await request(hub.url).get('/api/v1/config/export').set(auth).expect(200);
    expect(exported.type).toBe('application/yaml');
    expect(exported.text).toContain('file deployments');
    expect(exported.text).toContain('night shift');
    const validated = await request(hub.url)
      .post('/api/v1/config/validate')
      .set(auth)
      .send({ yaml: exported.text })
      .expect(200);
    expect(validated.body).toMatchObject({ valid: true, diff: { added: [], changed: [], removed: [] } });
    expect(validated.body.diff.adopted).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'silence' }),
        expect.objectContaining({ kind: 'template', key: 'slack:error' }),
      ]),
    );
  });

  it('validates a posted file: the problems with their places, or what it would add, change and remove', async () => {
    const bad = await request(hub.url)
      .post('/api/v1/config/validate')
      .set(auth)
      .send({ yaml: 'routes:\n  - name: x\n    to: [{ target: slack, addresses: ["#a"] }]\nsilences: 3\n' })
      .expect(200);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.problems).toEqual([expect.objectContaining({ path: ['silences'], line: 4 })]);
    const other = await request(hub.url)
      .post('/api/v1/config/validate')
      .set(auth)
      .send({ yaml: fileText('#elsewhere', endsAt).replace(/checks:[\s\S]*$/, '') })
      .expect(200);
    expect(other.body.diff).toMatchObject({
      added: [],
      changed: [{ kind: 'routes', key: '*' }],
      removed: [
        { kind: 'check', key: 'nightly-backup' },
        { kind: 'parameter', key: 'core.deliveries:deadWarning' },
        { kind: 'module', key: 'database' },
        { kind: 'module-config', key: 'slack' },
      ],
    });
    await request(hub.url).post('/api/v1/config/validate').set(auth).send({ text: 'x' }).expect(400);
  });
});
