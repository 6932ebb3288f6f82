import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SourcesConfig } from '../../config/sources.js';
import { validationError } from '../../errors.js';
import { clusterOf, mappedApplication, type Mapped } from './mapped.js';

export const GITLAB_TOKEN = 'X-Gitlab-Token';
export const GITLAB_EVENT = 'X-Gitlab-Event';

/** GitLab sends the webhook's secret token itself; compared in constant time over SHA-256 digests. */
export function gitlabTokenValid(given: string, token: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** The parts of GitLab's deployment event (`object_kind: "deployment"`, "Deployment Hook") the hub reads. */
export const deploymentEventSchema = z.object({
  object_kind: z.literal('deployment'),
  status: z.string().min(1),
  deployment_id: z.number().int(),
  deployable_url: z.string().nullish(),
  environment: z.string().min(1),
  environment_external_url: z.string().nullish(),
  project: z.object({ id: z.number().int(), name: z.string().min(1), path_with_namespace: z.string().min(1) }),
  short_sha: z.string().min(1),
  user: z.object({ username: z.string().min(1) }).nullish(),
  commit_title: z.string().nullish(),
});

/**
 * A GitLab deployment event (see docs/guides/connect-your-pipeline.md):
 * - `success`: a deployment of the project's name (REPOSITORY_APPLICATIONS maps `group/project` to another), to
 *   the environment through ENVIRONMENT_CLUSTERS, version the commit's short SHA (GitLab's event names no tag or
 *   ref), deployed by the user, with the environment's external URL as the application URL.
 * - `failed`: an error report with the deploying job's URL as its log.
 * - other statuses (`created`, `running`, `canceled`, `blocked`…): ignored.
 * The key of a repeat is the project, deployment and status: GitLab's retries and a resend from its settings
 * carry the same ones.
 */
export function mapGitlabDeployment(body: unknown, config: SourcesConfig): Mapped {
  const parsed = deploymentEventSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, 'deployment event');
  const event = parsed.data;
  const mapped = mappedApplication(event.project.path_with_namespace, config);
  const applicationName = mapped ?? event.project.name;
  const cluster = clusterOf(event.environment, config);
  const key = `${event.project.id}:${event.deployment_id}:${event.status}`;
  const origins = {
    applicationName: mapped ? 'REPOSITORY_APPLICATIONS' : 'project.name',
    cluster: 'environment',
  };
  if (event.status === 'success')
    return {
      kind: 'deployment',
      key,
      facts: { removal: false, rollback: false },
      body: {
        applicationName,
        cluster,
        version: event.short_sha,
        deployedBy: event.user?.username ?? null,
        applicationUrl: event.environment_external_url || null,
      },
      origins: {
        ...origins,
        version: 'short_sha',
        deployedBy: 'user.username',
        applicationUrl: 'environment_external_url',
      },
    };
  if (event.status === 'failed')
    return {
      kind: 'error',
      key,
      body: {
        message: `Deployment of ${event.project.path_with_namespace} (${event.short_sha}) to ${event.environment} failed${event.commit_title ? `: ${event.commit_title}` : ''}`,
        applicationName,
        cluster,
        logUrl: event.deployable_url || null,
      },
      origins: { ...origins, message: 'commit_title', logUrl: 'deployable_url' },
    };
  return { kind: 'ignored', reason: `deployment ${event.status} is not a finished deployment` };
}
