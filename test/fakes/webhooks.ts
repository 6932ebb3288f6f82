import { createHmac, randomUUID } from 'node:crypto';
import { post } from './cdevents.js';

/**
 * GitHub and GitLab as webhook senders: payloads of their documented shapes (GitHub's `deployment_status` and
 * `ping` events, GitLab's deployment event), sent with the headers each service sends, signed or tokened as it
 * signs them.
 */

const user = (login: string, id: number) => ({
  login,
  id,
  node_id: `MDQ6VXNlcj${id}`,
  avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
  url: `https://api.github.com/users/${login}`,
  html_url: `https://github.com/${login}`,
  type: 'User',
  site_admin: false,
});

export interface GithubDeployment {
  repository?: string;
  environment?: string;
  state?: 'success' | 'failure' | 'error' | 'pending' | 'in_progress' | 'queued' | 'inactive';
  ref?: string;
  sha?: string;
  creator?: string;
  payload?: Record<string, unknown> | string;
  logUrl?: string;
  environmentUrl?: string;
  description?: string;
}

/** A `deployment_status` webhook body (action `created`) as GitHub documents it. */
export function deploymentStatusPayload(options: GithubDeployment = {}): Record<string, unknown> {
  const fullName = options.repository ?? 'kth/kth-azure-app';
  const [owner, name] = fullName.split('/') as [string, string];
  const api = `https://api.github.com/repos/${fullName}`;
  const sha = options.sha ?? 'a10867b14bb761a232cd80139fbd4c0d33264240';
  const environment = options.environment ?? 'production';
  const creator = user(options.creator ?? 'octocat', 583231);
  const now = new Date().toISOString();
  return {
    action: 'created',
    deployment_status: {
      url: `${api}/deployments/145988746/statuses/444`,
      id: 444,
      node_id: 'MDE2OkRlcGxveW1lbnRTdGF0dXM0NDQ=',
      state: options.state ?? 'success',
      creator,
      description: options.description ?? '',
      environment,
      target_url: options.logUrl ?? '',
      log_url: options.logUrl ?? '',
      environment_url: options.environmentUrl ?? '',
      created_at: now,
      updated_at: now,
      deployment_url: `${api}/deployments/145988746`,
      repository_url: api,
    },
    deployment: {
      url: `${api}/deployments/145988746`,
      id: 145988746,
      node_id: 'MDEwOkRlcGxveW1lbnQxNDU5ODg3NDY=',
      sha,
      ref: options.ref ?? 'main',
      task: 'deploy',
      payload: options.payload ?? {},
      original_environment: environment,
      environment,
      description: null,
      creator,
      created_at: now,
      updated_at: now,
      statuses_url: `${api}/deployments/145988746/statuses`,
      repository_url: api,
      production_environment: environment === 'production',
      transient_environment: false,
    },
    repository: {
      id: 186853002,
      node_id: 'MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=',
      name,
      full_name: fullName,
      private: false,
      owner: { ...user(owner, 21031067), type: 'Organization' },
      html_url: `https://github.com/${fullName}`,
      url: api,
      default_branch: 'main',
    },
    sender: creator,
  };
}

export function pingPayload(): Record<string, unknown> {
  return {
    zen: 'Responsive is better than fast.',
    hook_id: 30,
    hook: { type: 'Repository', id: 30, name: 'web', active: true, events: ['deployment_status'] },
  };
}

/** `sha256=<hex HMAC-SHA256 of the body>`, as GitHub signs with the webhook's secret. */
export function githubSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POSTs a webhook as GitHub does; `delivery` repeats a delivery (GitHub's redeliver keeps its GUID). */
export function sendGithub(
  url: string,
  event: string,
  payload: Record<string, unknown>,
  options: { secret?: string | null; delivery?: string; signature?: string; contentType?: string } = {},
) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'Content-Type': options.contentType ?? 'application/json',
    'User-Agent': 'GitHub-Hookshot/044aadd',
    'X-GitHub-Event': event,
    'X-GitHub-Delivery': options.delivery ?? randomUUID(),
    'X-GitHub-Hook-ID': '30',
    'X-GitHub-Hook-Installation-Target-Type': 'repository',
    'X-GitHub-Hook-Installation-Target-ID': '186853002',
  };
  if (options.signature !== undefined) headers['X-Hub-Signature-256'] = options.signature;
  else if (options.secret) headers['X-Hub-Signature-256'] = githubSignature(body, options.secret);
  return post(url, body, headers);
}

export interface GitlabDeployment {
  project?: string;
  projectId?: number;
  environment?: string;
  status?: 'success' | 'failed' | 'running' | 'canceled' | 'created';
  shortSha?: string;
  deploymentId?: number;
  username?: string;
  externalUrl?: string;
}

/** A deployment event (`object_kind: "deployment"`) as GitLab documents it. */
export function gitlabDeploymentPayload(options: GitlabDeployment = {}): Record<string, unknown> {
  const path = options.project ?? 'kth/kth-azure-app';
  const name = path.split('/').at(-1)!;
  const web = `https://gitlab.example.test/${path}`;
  const shortSha = options.shortSha ?? '279484c0';
  const deploymentId = options.deploymentId ?? 15;
  return {
    object_kind: 'deployment',
    status: options.status ?? 'success',
    status_changed_at: '2026-12-07 10:50:00 +0100',
    deployment_id: deploymentId,
    deployable_id: 796,
    deployable_url: `${web}/-/jobs/796`,
    environment: options.environment ?? 'staging',
    environment_tier: 'staging',
    environment_slug: options.environment ?? 'staging',
    environment_external_url: options.externalUrl ?? 'https://staging.example.test',
    project: {
      id: options.projectId ?? 30,
      name,
      description: '',
      web_url: web,
      avatar_url: null,
      git_ssh_url: `ssh://git@gitlab.example.test/${path}.git`,
      git_http_url: `${web}.git`,
      namespace: path.split('/')[0],
      visibility_level: 0,
      path_with_namespace: path,
      default_branch: 'main',
      ci_config_path: '',
      homepage: web,
      url: `ssh://git@gitlab.example.test/${path}.git`,
      ssh_url: `ssh://git@gitlab.example.test/${path}.git`,
      http_url: `${web}.git`,
    },
    short_sha: shortSha,
    user: {
      id: 1,
      name: 'Administrator',
      username: options.username ?? 'root',
      avatar_url: 'https://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=80&d=identicon',
      email: 'admin@example.test',
    },
    user_url: `https://gitlab.example.test/${options.username ?? 'root'}`,
    commit_url: `${web}/-/commit/${shortSha}09fbe69ededfced8c1bb6e6d24616b468`,
    commit_title: 'Add new file',
  };
}

/** POSTs a webhook as GitLab does: the secret token itself in X-Gitlab-Token. */
export function sendGitlab(
  url: string,
  payload: Record<string, unknown>,
  options: { token?: string | null; event?: string } = {},
) {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'GitLab/17.6.0',
    'X-Gitlab-Event': options.event ?? 'Deployment Hook',
    'X-Gitlab-Instance': 'https://gitlab.example.test',
    'X-Gitlab-Webhook-UUID': randomUUID(),
    'X-Gitlab-Event-UUID': randomUUID(),
    'Idempotency-Key': randomUUID(),
  };
  if (options.token) headers['X-Gitlab-Token'] = options.token;
  return post(url, JSON.stringify(payload), headers);
}
