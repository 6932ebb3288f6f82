import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SourcesConfig } from '../../config/sources.js';
import { validationError } from '../../errors.js';
import { clusterOf, deploymentExtras, errorExtras, mappedApplication, type Mapped } from './mapped.js';

export const GITHUB_SIGNATURE = 'X-Hub-Signature-256';
export const GITHUB_EVENT = 'X-GitHub-Event';
export const GITHUB_DELIVERY = 'X-GitHub-Delivery';

/** `sha256=<hex HMAC-SHA256 of the body>`, as GitHub signs a delivery with the webhook's secret. */
export function githubSignatureValid(header: string, body: Buffer, secret: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(match[1]!, 'hex'), expected);
}

const user = z.object({ login: z.string().min(1) }).nullable();

/** The parts of GitHub's `deployment_status` webhook the hub reads (GitHub's documented payload). */
export const deploymentStatusSchema = z.object({
  action: z.string(),
  deployment_status: z.object({
    state: z.string().min(1),
    environment: z.string().min(1),
    description: z.string().nullish(),
    log_url: z.string().nullish(),
    target_url: z.string().nullish(),
    environment_url: z.string().nullish(),
    creator: user.optional(),
  }),
  deployment: z.object({
    id: z.number().int(),
    sha: z.string().min(1),
    ref: z.string().min(1),
    environment: z.string().min(1),
    // An object, or the JSON text of one, as the deployment's creator gave it.
    payload: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish(),
    creator: user.optional(),
  }),
  repository: z.object({ name: z.string().min(1), full_name: z.string().min(1) }),
  sender: user.optional(),
});

// A ref that names a release (v1.2.3, 2.0.11_abc123), not a branch: such a ref is the version, else the commit.
const VERSION_REF = /^v?\d+(\.\d+)+([-+._][0-9A-Za-z.+_-]+)?$/;

/**
 * A GitHub `deployment_status` delivery (see docs/guides/connect-your-pipeline.md):
 * - `success`: a deployment of the repository's name (REPOSITORY_APPLICATIONS maps `owner/repo` to another),
 *   to the status's environment through ENVIRONMENT_CLUSTERS, version the deployment's ref when it names a
 *   release, else its commit SHA; deployed by the deployment's creator. The deployment's `payload` may carry
 *   Aspen's fields (slackChannels, team, applicationPath, version…).
 * - `failure` / `error`: an error report with the status's log URL.
 * - other states (`pending`, `queued`, `in_progress`, `inactive`): ignored.
 */
export function mapGithubDeploymentStatus(body: unknown, delivery: string, config: SourcesConfig): Mapped {
  const parsed = deploymentStatusSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, 'deployment_status event');
  const { deployment_status: status, deployment, repository, sender } = parsed.data;
  const payload = payloadObject(deployment.payload);
  const mapped = mappedApplication(repository.full_name, config);
  const named = stringField(payload, 'applicationName');
  const applicationName = mapped ?? named ?? repository.name;
  const applicationOrigin = mapped
    ? 'REPOSITORY_APPLICATIONS'
    : named
      ? 'deployment.payload.applicationName'
      : 'repository.name';
  const cluster = clusterOf(status.environment, config);
  const deployedBy = deployment.creator?.login ?? status.creator?.login ?? sender?.login ?? null;

  if (status.state === 'success') {
    const extras = deploymentExtras(payload, 'deployment.payload');
    const version =
      stringField(payload, 'version') ?? (VERSION_REF.test(deployment.ref) ? deployment.ref : deployment.sha);
    return {
      kind: 'deployment',
      key: delivery,
      facts: { removal: false, rollback: false },
      body: {
        ...extras.fields,
        applicationName,
        cluster,
        version,
        deployedBy,
        applicationUrl: nonEmpty(status.environment_url) ?? extras.fields.applicationUrl ?? null,
      },
      origins: {
        ...extras.origins,
        applicationName: applicationOrigin,
        cluster: 'deployment_status.environment',
        version: stringField(payload, 'version') ? 'deployment.payload.version' : 'deployment.ref',
        deployedBy: 'deployment.creator.login',
        applicationUrl: 'deployment_status.environment_url',
      },
    };
  }
  if (status.state === 'failure' || status.state === 'error') {
    const extras = errorExtras(payload, 'deployment.payload');
    const description = nonEmpty(status.description);
    return {
      kind: 'error',
      key: delivery,
      body: {
        ...extras.fields,
        message: `Deployment of ${repository.full_name} (${deployment.ref}) to ${status.environment} ended with ${status.state}${description ? `: ${description}` : ''}`,
        applicationName,
        cluster,
        logUrl: nonEmpty(status.log_url) ?? nonEmpty(status.target_url),
      },
      origins: {
        ...extras.origins,
        message: 'deployment_status.description',
        applicationName: applicationOrigin,
        cluster: 'deployment_status.environment',
        logUrl: 'deployment_status.log_url',
      },
    };
  }
  return { kind: 'ignored', reason: `deployment_status ${status.state} is not a finished deployment` };
}

function payloadObject(value: Record<string, unknown> | string | null | undefined): Record<string, unknown> | null {
  if (typeof value !== 'string') return value ?? null;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function stringField(record: Record<string, unknown> | null, name: string): string | undefined {
  const value = record?.[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function nonEmpty(value: string | null | undefined): string | null {
  return value && value.trim() !== '' ? value.trim() : null;
}
