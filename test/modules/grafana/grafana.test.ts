import request from 'supertest';
import { grafanaModule } from '../../../modules/grafana/index.js';
import { sendStructured, serviceEvent } from '../../fakes/cdevents.js';
import { FakeGrafana } from '../../fakes/grafana.js';
import { deploymentStatusPayload, sendGithub } from '../../fakes/webhooks.js';
import { aspenDeployment } from '../../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../../support/hub.js';

const TOKEN = 'glsa_grafana_service_account_token';
const SECRET = 'github-webhook-secret-for-tests';

/** Deploy markers: the grafana module against a fake of Grafana's annotations API. */
describe('grafana module', () => {
  let grafana: FakeGrafana;
  let hub: TestHub;

  beforeAll(async () => {
    grafana = await FakeGrafana.start(TOKEN);
    hub = await startTestHub({
      modules: [grafanaModule],
      env: {
        GRAFANA_URL: `${grafana.url}/`,
        GRAFANA_TOKEN: TOKEN,
        GRAFANA_DASHBOARD_UID: 'deploys',
        GRAFANA_PANEL_ID: '4',
        GRAFANA_TAGS: 'alvares',
        GITHUB_WEBHOOK_SECRET: SECRET,
        ENVIRONMENT_CLUSTERS: 'production:active',
      },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await grafana.close();
  });

  const delivery = async (eventId: string) =>
    waitFor(
      async () => {
        const event = (await request(hub.url).get(`/api/v1/events/${eventId}`).expect(200)).body;
        const found = event.deliveries.find((d: { module: string }) => d.module === 'grafana');
        return found && ['succeeded', 'dead'].includes(found.status) ? { event, delivery: found } : null;
      },
      15_000,
      'the grafana delivery',
    );
  const annotationsOf = (eventId: string) => grafana.annotations.filter((a) => a.tags.includes(`event:${eventId}`));

  it('posts one annotation per deployment, whichever source reported it, and none for a second report', async () => {
    const aspen = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: 'marked-app', version: '1.2.0', team: 'team-<studadm>' }))
      .expect(200);
    const github = await sendGithub(
      `${hub.url}/api/v1/github`,
      'deployment_status',
      deploymentStatusPayload({ repository: 'kth/marked-app', ref: '1.2.0' }),
      { secret: SECRET },
    );
    expect(github.body.sameAs).toBe(aspen.body.id);
    const cdevents = await sendStructured(
      `${hub.url}/api/v1/cdevents`,
      serviceEvent('deployed', { name: 'other-app', version: '7.0.0', environment: 'production' }),
    );
    const { event } = await delivery(aspen.body.id);
    await delivery(cdevents.body.id);
    await waitForQuiet(hub);

    expect(annotationsOf(github.body.id)).toEqual([]);
    expect(annotationsOf(cdevents.body.id)).toHaveLength(1);
    const [marker] = annotationsOf(aspen.body.id);
    expect(marker).toEqual({
      id: expect.any(Number),
      time: Date.parse(event.receivedAt),
      timeEnd: Date.parse(event.receivedAt),
      tags: [
        'deployment',
        'application:marked-app',
        'cluster:active',
        'version:1.2.0',
        'team:team-<studadm>',
        `event:${aspen.body.id}`,
        'alvares',
      ],
      text: `Monitor application 1.2.0 deployed to active <a href="${hub.hub.config.publicUrl}/events/${aspen.body.id}">event</a>`,
      dashboardUID: 'deploys',
      panelId: 4,
    });
    const post = grafana.posts().find((p) => p.body.tags.includes(`event:${aspen.body.id}`))!;
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.headers['content-type']).toMatch(/^application\/json/);
  });

  it('marks removals and rollbacks by kind, escaping payload text', async () => {
    await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: 'kinds-app', version: '2.1.0' }));
    const rollback = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: 'kinds-app', version: '2.0.0', publicNameEnglish: 'Kinds <b>app</b>' }))
      .expect(200);
    const removal = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: 'kinds-app', version: '2.0.0', replicas: 0 }))
      .expect(200);
    await delivery(rollback.body.id);
    await delivery(removal.body.id);
    const [back] = annotationsOf(rollback.body.id);
    expect(back!.tags.slice(0, 4)).toEqual(['rollback', 'application:kinds-app', 'cluster:active', 'version:2.0.0']);
    expect(back!.text).toMatch(/^Kinds &#60;b&#62;app&#60;\/b&#62; rolled back from 2\.1\.0 to 2\.0\.0 in active </);
    const [removed] = annotationsOf(removal.body.id);
    expect(removed!.tags[0]).toBe('removal');
    expect(removed!.text).toMatch(/^Monitor application removed from active </);
  });

  it('waits out a 429 as Grafana asks and then marks the deployment once', async () => {
    grafana.rateLimitNext(1, 1);
    const started = Date.now();
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: 'limited-app', version: '1.0.0' }))
      .expect(200);
    const { delivery: done } = await delivery(res.body.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(annotationsOf(res.body.id)).toHaveLength(1);
  });

  it('finds the annotation an attempt made whose answer was lost instead of marking twice', async () => {
    grafana.dropAnswerNext();
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: 'lost-answer-app', version: '1.0.0' }))
      .expect(200);
    const { delivery: done } = await delivery(res.body.id);
    expect(done.status).toBe('succeeded');
    expect(done.result.summary).toMatch(/made by an earlier attempt/);
    expect(annotationsOf(res.body.id)).toHaveLength(1);
  });
});

describe('grafana module with a token Grafana refuses', () => {
  let grafana: FakeGrafana;
  let hub: TestHub;

  beforeAll(async () => {
    grafana = await FakeGrafana.start(TOKEN);
    hub = await startTestHub({
      modules: [grafanaModule],
      env: { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: 'glsa_revoked_token_0123456789' },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await grafana.close();
  });

  it('gives up at once on 401, saying Grafana refused the credentials, and never shows the token', async () => {
    const res = await request(hub.url).put('/api/v1/deployment').send(aspenDeployment()).expect(200);
    const dead = await waitFor(async () => {
      const event = (await request(hub.url).get(`/api/v1/events/${res.body.id}`).expect(200)).body;
      return event.deliveries.find(
        (d: { module: string; status: string }) => d.module === 'grafana' && d.status === 'dead',
      );
    });
    expect(dead.attempts).toBe(1);
    expect(dead.lastError).toMatchObject({ code: 'HUB_ERR_UPSTREAM_AUTH', status: 401 });
    expect(JSON.stringify(dead)).not.toContain('glsa_revoked_token_0123456789');
    expect(grafana.annotations).toEqual([]);
  });
});

describe('grafana module without its settings', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ modules: [grafanaModule], env: { GRAFANA_URL: 'https://grafana.example.test' } });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('is off, saying which setting is missing', async () => {
    const modules = (await request(hub.url).get('/api/v1/modules').expect(200)).body;
    expect(JSON.stringify(modules)).toContain('GRAFANA_TOKEN is not set');
  });
});
