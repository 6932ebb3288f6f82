import type { Env } from './env.js';

/** What the adapters of CDEvents, GitHub and GitLab need: their credentials and how their names map to the hub's. */
export interface SourcesConfig {
  /** GITHUB_WEBHOOK_SECRET: checks X-Hub-Signature-256. Unset: POST /api/v1/github answers 404. */
  githubWebhookSecret?: string;
  /** GITLAB_WEBHOOK_TOKEN: compared with X-Gitlab-Token. Unset: POST /api/v1/gitlab answers 404. */
  gitlabWebhookToken?: string;
  /** ENVIRONMENT_CLUSTERS: a source's environment name (lower-cased) to the hub's cluster. */
  environmentClusters: Record<string, string>;
  /** REPOSITORY_APPLICATIONS: `owner/repo` (GitHub) or `group/project` (GitLab), lower-cased, to an application name. */
  repositoryApplications: Record<string, string>;
  /** SAME_DEPLOYMENT_WINDOW_SECONDS: how close two sources' reports of one deployment must arrive to be one. */
  sameDeploymentWindowSeconds: number;
}

const MIN_SECRET = 16;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,255}$/;

export function parseSources(env: Env): { value: SourcesConfig; problems: string[] } {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const secret = (name: string) => {
    const given = value(name);
    if (given !== undefined && given.length < MIN_SECRET)
      problems.push(`${name}: must be at least ${MIN_SECRET} characters`);
    return given;
  };
  const windowText = value('SAME_DEPLOYMENT_WINDOW_SECONDS');
  const window = windowText === undefined ? 300 : Number(windowText);
  if (!Number.isInteger(window) || window < 0 || window > 86_400)
    problems.push('SAME_DEPLOYMENT_WINDOW_SECONDS: expected a whole number from 0 (off) to 86400');
  return {
    value: {
      githubWebhookSecret: secret('GITHUB_WEBHOOK_SECRET'),
      gitlabWebhookToken: secret('GITLAB_WEBHOOK_TOKEN'),
      environmentClusters: parsePairs('ENVIRONMENT_CLUSTERS', value('ENVIRONMENT_CLUSTERS'), problems),
      repositoryApplications: parsePairs('REPOSITORY_APPLICATIONS', value('REPOSITORY_APPLICATIONS'), problems),
      sameDeploymentWindowSeconds: Number.isInteger(window) ? window : 300,
    },
    problems,
  };
}

/** `production:active,staging:stage`: the left side lower-cased (names are matched case-insensitively). */
function parsePairs(name: string, text: string | undefined, problems: string[]): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const entry of (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const colon = entry.lastIndexOf(':');
    const from = colon > 0 ? entry.slice(0, colon).trim().toLowerCase() : '';
    const to = colon > 0 ? entry.slice(colon + 1).trim() : '';
    if (!NAME.test(from) || !NAME.test(to)) problems.push(`${name}: "${entry}" is not "name:value"`);
    else if (pairs[from] !== undefined) problems.push(`${name}: "${from}" is listed twice`);
    else pairs[from] = to;
  }
  return pairs;
}

/** The values of this config that must never be printed. */
export function sourcesSecrets(config: SourcesConfig): string[] {
  return [config.githubWebhookSecret, config.gitlabWebhookToken].filter(
    (item): item is string => typeof item === 'string',
  );
}
