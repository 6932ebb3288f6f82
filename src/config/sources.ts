import { z } from 'zod';
import { envString, readEnvFields, type Env } from './env.js';

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

const NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,255}$/;

/** The variables read here, each trimmed (blank is unset); `parseSources` checks their rules. */
export const sourcesSchema = z.object({
  GITHUB_WEBHOOK_SECRET: envString().meta({
    secret: true,
    default: '(unset: `/api/v1/github` answers 404)',
    description:
      "At least 16 characters. The GitHub webhook's secret: every delivery must carry `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>` made with it (401 otherwise).",
  }),
  GITLAB_WEBHOOK_TOKEN: envString().meta({
    secret: true,
    default: '(unset: `/api/v1/gitlab` answers 404)',
    description:
      "At least 16 characters. The GitLab webhook's secret token, sent by GitLab in `X-Gitlab-Token` (401 when missing or different).",
  }),
  ENVIRONMENT_CLUSTERS: envString().meta({
    default: '(empty)',
    description:
      "`environment:cluster` pairs, comma-separated: `production:active,staging:stage`. A source's environment name (a CDEvent's `environment.id`, GitHub's and GitLab's `environment`; compared lower-case) becomes that cluster; a name not listed is used as the cluster as it is.",
  }),
  REPOSITORY_APPLICATIONS: envString().meta({
    default: '(empty)',
    description:
      '`owner/repo:application` pairs, comma-separated: a GitHub repository (`full_name`) or GitLab project (`path_with_namespace`), compared lower-case, reported as that application instead of its own name.',
  }),
  SAME_DEPLOYMENT_WINDOW_SECONDS: envString().meta({
    default: '`300`',
    description:
      "Two sources' reports of a deployment of the same application, cluster and version (or a removal) this close together are one deployment: the later one is stored as the first's child and sent nowhere. 0-86400; `0` never merges.",
  }),
});

export function parseSources(env: Env): { value: SourcesConfig; problems: string[] } {
  const read = readEnvFields(sourcesSchema, env);
  const { problems, value } = read;
  return {
    value: {
      githubWebhookSecret: read.secret('GITHUB_WEBHOOK_SECRET'),
      gitlabWebhookToken: read.secret('GITLAB_WEBHOOK_TOKEN'),
      environmentClusters: parsePairs('ENVIRONMENT_CLUSTERS', value('ENVIRONMENT_CLUSTERS'), problems),
      repositoryApplications: parsePairs('REPOSITORY_APPLICATIONS', value('REPOSITORY_APPLICATIONS'), problems),
      sameDeploymentWindowSeconds: read.wholeNumber('SAME_DEPLOYMENT_WINDOW_SECONDS', 300, 86_400),
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
