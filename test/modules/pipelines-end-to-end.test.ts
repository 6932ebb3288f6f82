import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { grafanaModule } from '../../modules/grafana/index.js';
import { slackModule } from '../../modules/slack/index.js';
import { sendBinary, sendStructured, serviceEvent } from '../fakes/cdevents.js';
import { FakeGrafana } from '../fakes/grafana.js';
import { FakeSlack } from '../fakes/slack.js';
import { deploymentStatusPayload, gitlabDeploymentPayload, sendGithub, sendGitlab } from '../fakes/webhooks.js';
import { aspenDeployment, HOSTS_ENV } from '../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../support/hub.js';

const SLACK_TOKEN = 'xoxb-pipelines-test-token';
const GRAFANA_TOKEN = 'glsa_pipelines_test_token';
const GITHUB_SECRET = 'github-webhook-secret-for-tests';
const GITLAB_TOKEN = 'gitlab-webhook-token-for-tests';

/**
 * Any pipeline in, deploy markers out, over HTTP end to end: a structured and a binary CDEvent, a GitHub
 * deployment_status and a GitLab deployment each become an enriched deployment in the history and a Slack root;
 * Grafana gets one annotation per deployment; a replayed GitHub delivery is one event; bad signatures are 401; a
 * rollback moves the change failure rate.
 */
describe('pipelines in, deploy markers out', () => {
  let slack: FakeSlack;
  let grafana: FakeGrafana;
  let hub: TestHub;

  beforeAll(async () => {
    slack = await FakeSlack.start({ token: SLACK_TOKEN });
    grafana = await FakeGrafana.start(GRAFANA_TOKEN);
    hub = await startTestHub({
      modules: [databaseModule, slackModule, grafanaModule],
      env: {
        ...HOSTS_ENV,
        SLACK_TOKEN,
        SLACK_API_BASE_URL: slack.apiUrl,
        SLACK_CHANNELS: '#deployments',
        SLACK_PACE_MS: '20',
        GRAFANA_URL: grafana.url,
        GRAFANA_TOKEN,
        GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
        GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN,
        ENVIRONMENT_CLUSTERS: 'production:active,staging:stage',
        SCHEDULE_CORE_PRUNE: 'off',
        SCHEDULE_CORE_INSIGHTS_WEEKLY: 'off',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await hub.stop();
    await Promise.all([slack.close(), grafana.close()]);
  });

  const history = async (applicationName: string) =>
    (await request(hub.url).get('/api/v1/deployments').query({ applicationName }).expect(200)).body.deployments;
  const rootFor = (text: string) => slack.roots('#deployments').find((message) => message.text.includes(text));

  it('turns each source’s deployment into an enriched deployment in the history, Slack and Grafana', async () => {
    const structured = await sendStructured(
      `${hub.url}/api/v1/cdevents`,
      serviceEvent(
        'deployed',
        { name: 'cde-structured', version: '1.0.0', environment: 'production' },
        { customData: { applicationPath: '/cde-structured', publicNameEnglish: 'Structured app' } },
      ),
    );
    const binary = await sendBinary(
      `${hub.url}/api/v1/cdevents`,
      serviceEvent('upgraded', { name: 'cde-binary', version: '2.0.0', environment: 'staging' }, { spec: '0.4' }),
    );
    const github = await sendGithub(
      `${hub.url}/api/v1/github`,
      'deployment_status',
      deploymentStatusPayload({
        repository: 'kth/gh-app',
        ref: 'v3.0.0',
        creator: 'hubot',
        payload: { applicationPath: '/gh-app', publicNameEnglish: 'GitHub app' },
      }),
      { secret: GITHUB_SECRET },
    );
    const gitlab = await sendGitlab(
      `${hub.url}/api/v1/gitlab`,
      gitlabDeploymentPayload({ project: 'kth/gl-app', environment: 'production', username: 'jdoe' }),
      { token: GITLAB_TOKEN },
    );
    for (const answer of [structured, binary, github, gitlab]) expect(answer.status).toBe(200);
    await waitForQuiet(hub);

    expect(await history('cde-structured')).toEqual([
      expect.objectContaining({
        id: structured.body.id,
        cluster: 'active',
        version: '1.0.0',
        applicationUrl: 'https://app.example.test/cde-structured',
        friendlyName: 'Structured app',
      }),
    ]);
    expect(await history('cde-binary')).toEqual([
      expect.objectContaining({ id: binary.body.id, cluster: 'stage', version: '2.0.0' }),
    ]);
    expect(await history('gh-app')).toEqual([
      expect.objectContaining({
        id: github.body.id,
        cluster: 'active',
        version: 'v3.0.0',
        deployedBy: 'hubot',
        monitorUrl: 'https://app.example.test/gh-app/_monitor',
      }),
    ]);
    expect(await history('gl-app')).toEqual([
      expect.objectContaining({ id: gitlab.body.id, cluster: 'active', version: '279484c0', deployedBy: 'jdoe' }),
    ]);

    expect(rootFor('*Structured app* is being deployed in *active*')).toBeDefined();
    expect(rootFor('*cde-binary* is being deployed in *stage*')).toBeDefined();
    expect(rootFor('*GitHub app* is being deployed in *active*')).toBeDefined();
    expect(rootFor('*gl-app* is being deployed in *active*')).toBeDefined();

    for (const answer of [structured, binary, github, gitlab]) {
      expect(grafana.annotations.filter((a) => a.tags.includes(`event:${answer.body.id}`))).toHaveLength(1);
    }
    expect(grafana.annotations).toHaveLength(4);
  });

  it('stores a replayed GitHub delivery once and refuses bad signatures with 401', async () => {
    const delivery = randomUUID();
    const payload = deploymentStatusPayload({ repository: 'kth/replay-app', ref: 'v1.0.0' });
    const first = await sendGithub(`${hub.url}/api/v1/github`, 'deployment_status', payload, {
      secret: GITHUB_SECRET,
      delivery,
    });
    const replay = await sendGithub(`${hub.url}/api/v1/github`, 'deployment_status', payload, {
      secret: GITHUB_SECRET,
      delivery,
    });
    expect(replay.body).toMatchObject({ id: first.body.id, status: 'duplicate' });
    const forged = await sendGithub(`${hub.url}/api/v1/github`, 'deployment_status', payload, {
      secret: 'not-the-github-secret-0123',
    });
    expect(forged.status).toBe(401);
    await waitForQuiet(hub);
    expect(await history('replay-app')).toHaveLength(1);
    expect(grafana.annotations.filter((a) => a.tags.includes('application:replay-app'))).toHaveLength(1);
  });

  it('says a rollback in Slack and counts the deployment it replaced as a failed change', async () => {
    // Each with its own build time: the same body again within IDEMPOTENCY_WINDOW_SECONDS would be a repeat.
    const put = (version: string, created: string) =>
      request(hub.url)
        .put('/api/v1/deployment')
        .send(aspenDeployment({ applicationName: 'e2e-rollback', version, created }))
        .expect(200);
    const built = Math.floor(Date.now() / 1000) - 3600;
    await put('4.0.0', String(built));
    await put('4.1.0', String(built + 60));
    const before = (await request(hub.url).get('/api/v1/insights?application=e2e-rollback').expect(200)).body;
    expect(before.applications[0].changeFailureRate).toMatchObject({ n: 2, failed: 0 });

    const rollback = await put('4.0.0', String(built + 120));
    await waitForQuiet(hub);
    const root = await waitFor(() => Promise.resolve(rootFor('rolled back from *4.1.0* to *4.0.0*')));
    expect(root.text).toBe(
      '2 replica(s) of *Monitor application* are being rolled back from *4.1.0* to *4.0.0* in *active*',
    );
    const [marker] = grafana.annotations.filter((a) => a.tags.includes(`event:${rollback.body.id}`));
    expect(marker!.tags[0]).toBe('rollback');

    const after = (await request(hub.url).get('/api/v1/insights?application=e2e-rollback').expect(200)).body;
    expect(after.applications[0].changeFailureRate).toMatchObject({ n: 3, failed: 1 });
    expect(after.applications[0].timeToRestore).toMatchObject({ n: 1, open: 0 });
  });
});
