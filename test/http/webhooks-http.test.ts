import { randomUUID } from 'node:crypto';
import { post } from '../fakes/cdevents.js';
import {
  deploymentStatusPayload,
  githubSignature,
  gitlabDeploymentPayload,
  pingPayload,
  sendGithub,
  sendGitlab,
} from '../fakes/webhooks.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';

const GITHUB_SECRET = 'github-webhook-secret-for-tests';
const GITLAB_TOKEN = 'gitlab-webhook-token-for-tests';

/**
 * GitHub's `deployment_status` and GitLab's deployment webhooks over HTTP, sent as those services send them:
 * verified (signature, token), deduplicated, mapped into the hub's deployments and errors; anything else ignored.
 */
describe('GitHub and GitLab deployment webhooks', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({
      modules: [],
      env: {
        GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
        GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN,
        ENVIRONMENT_CLUSTERS: 'production:active,staging:stage',
        REPOSITORY_APPLICATIONS: 'kth/lms-monorepo:lms-web',
      },
    });
  });
  afterAll(async () => {
    await hub.stop();
  });

  const github = () => `${hub.url}/api/v1/github`;
  const gitlab = () => `${hub.url}/api/v1/gitlab`;

  async function event(id: string): Promise<Json> {
    return (await fetch(`${hub.url}/api/v1/events/${id}`)).json();
  }
  async function eventCount(): Promise<number> {
    return (await hub.hub.db.query<{ n: number }>('select count(*)::int as n from events')).rows[0]!.n;
  }

  describe('POST /api/v1/github', () => {
    it('answers ping', async () => {
      const res = await sendGithub(github(), 'ping', pingPayload(), { secret: GITHUB_SECRET });
      expect(res).toMatchObject({ status: 200, body: { status: 'pong' } });
    });

    it('makes a successful deployment_status a deployment: repository, environment, release ref, creator', async () => {
      const res = await sendGithub(
        github(),
        'deployment_status',
        deploymentStatusPayload({
          ref: 'v2.3.0',
          creator: 'hubot',
          environmentUrl: 'https://app.example.test/kth-azure-app',
          payload: { slackChannels: '#team-studadm', team: 'team-studadm' },
        }),
        { secret: GITHUB_SECRET },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ type: 'deployment', source: 'github', status: 'accepted' });
      const stored = await event(res.body.id);
      expect(stored).toMatchObject({ source: 'github', sender: 'github' });
      expect(stored.payload).toMatchObject({
        applicationName: 'kth-azure-app',
        cluster: 'active',
        version: 'v2.3.0',
        deployedBy: 'hubot',
        applicationUrl: 'https://app.example.test/kth-azure-app',
        slackChannels: ['#team-studadm'],
        team: 'team-studadm',
        replicas: null,
        removal: false,
      });
    });

    it('takes the commit SHA as version when the ref is a branch, and maps the repository by REPOSITORY_APPLICATIONS', async () => {
      const res = await sendGithub(
        github(),
        'deployment_status',
        deploymentStatusPayload({
          repository: 'kth/lms-monorepo',
          ref: 'main',
          sha: 'f'.repeat(40),
          environment: 'staging',
        }),
        { secret: GITHUB_SECRET },
      );
      expect((await event(res.body.id)).payload).toMatchObject({
        applicationName: 'lms-web',
        cluster: 'stage',
        version: 'f'.repeat(40),
      });
    });

    it('makes a failed deployment an error with the log URL', async () => {
      const res = await sendGithub(
        github(),
        'deployment_status',
        deploymentStatusPayload({
          state: 'failure',
          ref: 'v2.4.0',
          logUrl: 'https://github.com/kth/kth-azure-app/actions/runs/42',
          description: 'Rollout timed out',
        }),
        { secret: GITHUB_SECRET },
      );
      expect(res.status).toBe(200);
      expect((await event(res.body.id)).payload).toMatchObject({
        message: 'Deployment of kth/kth-azure-app (v2.4.0) to production ended with failure: Rollout timed out',
        applicationName: 'kth-azure-app',
        cluster: 'active',
        logUrl: 'https://github.com/kth/kth-azure-app/actions/runs/42',
      });
    });

    it('stores a replayed delivery once', async () => {
      const delivery = randomUUID();
      const payload = deploymentStatusPayload({ ref: 'v9.9.9', repository: 'kth/replayed' });
      const first = await sendGithub(github(), 'deployment_status', payload, { secret: GITHUB_SECRET, delivery });
      const before = await eventCount();
      const again = await sendGithub(github(), 'deployment_status', payload, { secret: GITHUB_SECRET, delivery });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: first.body.id, status: 'duplicate' });
      expect(await eventCount()).toBe(before);
    });

    it('ignores other events and unfinished states with 202, storing nothing', async () => {
      const before = await eventCount();
      const push = await sendGithub(github(), 'push', { ref: 'refs/heads/main' }, { secret: GITHUB_SECRET });
      expect(push).toMatchObject({ status: 202, body: { status: 'ignored' } });
      const pending = await sendGithub(
        github(),
        'deployment_status',
        deploymentStatusPayload({ state: 'in_progress' }),
        {
          secret: GITHUB_SECRET,
        },
      );
      expect(pending).toMatchObject({ status: 202, body: { status: 'ignored' } });
      expect(await eventCount()).toBe(before);
    });

    it('refuses a missing or wrong signature with 401, and a body that is not the event its header names with 400', async () => {
      const before = await eventCount();
      const payload = deploymentStatusPayload();
      const unsigned = await sendGithub(github(), 'deployment_status', payload, { secret: null });
      expect(unsigned.status).toBe(401);
      expect(unsigned.body.error.message).toMatch(/X-Hub-Signature-256 is missing/);
      const wrong = await sendGithub(github(), 'deployment_status', payload, { secret: 'another-secret-0123456789' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.message).toMatch(/does not match/);
      const garbage = await sendGithub(github(), 'deployment_status', payload, { signature: 'sha256=zz' });
      expect(garbage.status).toBe(401);
      const notThatEvent = await sendGithub(github(), 'deployment_status', pingPayload(), { secret: GITHUB_SECRET });
      expect(notThatEvent.status).toBe(400);
      expect(notThatEvent.body.error.fields.map((f: { field: string }) => f.field)).toEqual(
        expect.arrayContaining(['deployment_status', 'deployment', 'repository']),
      );
      const form = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      const formEncoded = await post(github(), form, {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-GitHub-Event': 'deployment_status',
        'X-GitHub-Delivery': randomUUID(),
        'X-Hub-Signature-256': githubSignature(form, GITHUB_SECRET),
      });
      expect(formEncoded.status).toBe(415);
      expect(await eventCount()).toBe(before);
    });
  });

  describe('POST /api/v1/gitlab', () => {
    it('makes a successful deployment event a deployment: project, environment, short SHA, user', async () => {
      const res = await sendGitlab(gitlab(), gitlabDeploymentPayload({ username: 'jdoe' }), { token: GITLAB_TOKEN });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ type: 'deployment', source: 'gitlab' });
      expect((await event(res.body.id)).payload).toMatchObject({
        applicationName: 'kth-azure-app',
        cluster: 'stage',
        version: '279484c0',
        deployedBy: 'jdoe',
        applicationUrl: 'https://staging.example.test',
      });
    });

    it('makes a failed deployment an error with the job URL, and stores a resend once', async () => {
      const payload = gitlabDeploymentPayload({ status: 'failed', deploymentId: 77, environment: 'production' });
      const res = await sendGitlab(gitlab(), payload, { token: GITLAB_TOKEN });
      expect(res.status).toBe(200);
      expect((await event(res.body.id)).payload).toMatchObject({
        message: 'Deployment of kth/kth-azure-app (279484c0) to production failed: Add new file',
        cluster: 'active',
        logUrl: 'https://gitlab.example.test/kth/kth-azure-app/-/jobs/796',
      });
      const again = await sendGitlab(gitlab(), payload, { token: GITLAB_TOKEN });
      expect(again.body).toMatchObject({ id: res.body.id, status: 'duplicate' });
    });

    it('ignores running deployments and other events with 202', async () => {
      const before = await eventCount();
      const running = await sendGitlab(gitlab(), gitlabDeploymentPayload({ status: 'running' }), {
        token: GITLAB_TOKEN,
      });
      expect(running).toMatchObject({ status: 202, body: { status: 'ignored' } });
      const push = await sendGitlab(gitlab(), { object_kind: 'push' }, { token: GITLAB_TOKEN, event: 'Push Hook' });
      expect(push.status).toBe(202);
      expect(await eventCount()).toBe(before);
    });

    it('refuses a missing or wrong token with 401, and a body that is not a Deployment Hook with 400', async () => {
      const before = await eventCount();
      expect((await sendGitlab(gitlab(), gitlabDeploymentPayload(), { token: null })).status).toBe(401);
      const wrong = await sendGitlab(gitlab(), gitlabDeploymentPayload(), { token: 'not-the-token-0123456789' });
      expect(wrong.status).toBe(401);
      expect(JSON.stringify(wrong.body)).not.toContain(GITLAB_TOKEN);
      const mislabelled = await sendGitlab(gitlab(), { object_kind: 'push' }, { token: GITLAB_TOKEN });
      expect(mislabelled.status).toBe(400);
      expect(mislabelled.body.error.fields).toEqual([{ field: 'object_kind', message: 'expected "deployment"' }]);
      const missing = gitlabDeploymentPayload();
      delete missing.short_sha;
      const incomplete = await sendGitlab(gitlab(), missing, { token: GITLAB_TOKEN });
      expect(incomplete.status).toBe(400);
      expect(incomplete.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['short_sha']);
      expect(await eventCount()).toBe(before);
    });
  });
});

describe('GitHub and GitLab routes without their secrets', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ modules: [] });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('do not exist (404, saying which variable turns them on)', async () => {
    const github = await sendGithub(`${hub.url}/api/v1/github`, 'ping', pingPayload(), { secret: GITHUB_SECRET });
    expect(github.status).toBe(404);
    expect(github.body.error.message).toMatch(/GITHUB_WEBHOOK_SECRET/);
    const gitlab = await sendGitlab(`${hub.url}/api/v1/gitlab`, gitlabDeploymentPayload(), { token: GITLAB_TOKEN });
    expect(gitlab.status).toBe(404);
    expect(gitlab.body.error.message).toMatch(/GITLAB_WEBHOOK_TOKEN/);
  });
});
