import { createHash } from 'node:crypto';
import { PackageURL } from 'packageurl-js';
import type { SourcesConfig } from '../../config/sources.js';
import { HubError, type FieldProblem } from '../../errors.js';
import type { StoredCdEvent } from '../../events/types.js';
import type { CloudEvent } from './cloudevents-http.js';
import { cdeventSchema, knownType, TYPE_PATTERN, type CdEvent } from './cdevents-schemas.js';
import { clusterOf, deploymentExtras, errorExtras, type Mapped } from './mapped.js';
import { firstLine } from '../../util/text.js';

const SERVICE = ['service.deployed', 'service.upgraded', 'service.rolledback', 'service.removed'];
const RUNS = ['pipelinerun.finished', 'taskrun.finished'];
const FAILED = ['failure', 'error'];

/**
 * One CloudEvent carrying a CDEvent, made into what the hub keeps (see docs/guides/connect-your-pipeline.md):
 * - `service.deployed`, `.upgraded`, `.rolledback`, `.removed`: a deployment. Application: the artifact's package
 *   name (`pkg:oci/kth-azure-app@…` gives `kth-azure-app`), else the last part of the subject id
 *   (`service/kth-azure-app`); version: the purl's `tag` qualifier, else its version, else the artifact id when
 *   it is no purl; cluster: the environment id through ENVIRONMENT_CLUSTERS. `customData` may carry Aspen's other
 *   fields (slackChannels, team, applicationPath…).
 * - `pipelinerun.finished` / `taskrun.finished` with outcome `failure` or `error`: an error report.
 * - anything else (other types, runs that succeeded or were cancelled): kept as a `cdevent`, routed nowhere.
 * `prefix` names the event in a batch (`[2].`). Throws a 400 naming the field.
 */
export function mapCdEvent(event: CloudEvent, config: SourcesConfig, prefix = ''): Mapped {
  const match = TYPE_PATTERN.exec(event.type);
  if (!match)
    throw invalid(prefix, [
      { field: 'type', message: `not a CDEvent type (dev.cdevents.<subject>.<predicate>.0.<minor>.<patch>)` },
    ]);
  const kind = `${match[1]}.${match[2]}`;
  const data = event.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw invalid(prefix, [{ field: 'data', message: 'expected a CDEvent (an object with context and subject)' }]);
  const context = (data.context ?? {}) as Record<string, unknown>;
  const layout = context.specversion === undefined && context.version !== undefined ? 'v04' : 'v05';
  const parsed = cdeventSchema(kind, layout).safeParse(data);
  if (!parsed.success)
    throw invalid(
      prefix,
      parsed.error.issues.map((issue) => ({
        field: ['data', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    );
  const cdevent = parsed.data as CdEvent;
  checkBinding(event, cdevent, prefix);
  const key = createHash('sha256').update(`${event.source}\n${event.id}`).digest('hex');

  if (SERVICE.includes(kind)) return serviceDeployment(kind, cdevent, config, key);
  const content = cdevent.subject.content as { outcome?: string };
  if (RUNS.includes(kind) && FAILED.includes(content.outcome ?? '')) return runError(kind, cdevent, key);
  return { kind: 'cdevent', payload: stored(cdevent, knownType(kind)), key };
}

/** The CloudEvents binding of CDEvents: the CloudEvent's id, source and type are the CDEvent context's. */
function checkBinding(event: CloudEvent, cdevent: CdEvent, prefix: string): void {
  const problems: FieldProblem[] = [];
  for (const attribute of ['id', 'source', 'type'] as const) {
    if (event[attribute] !== cdevent.context[attribute])
      problems.push({
        field: `data.context.${attribute}`,
        message: `is ${JSON.stringify(cdevent.context[attribute])} but the CloudEvent's ${attribute} is ${JSON.stringify(event[attribute])}`,
      });
  }
  if (problems.length > 0) throw invalid(prefix, problems);
}

function serviceDeployment(kind: string, cdevent: CdEvent, config: SourcesConfig, key: string): Mapped {
  const content = cdevent.subject.content as { environment: { id: string }; artifactId?: string };
  const artifact = content.artifactId ? readArtifact(content.artifactId) : null;
  const serviceName = cdevent.subject.id.split('/').filter(Boolean).at(-1) ?? cdevent.subject.id;
  const extras = deploymentExtras(cdevent.customData, 'data.customData');
  return {
    kind: 'deployment',
    key,
    facts: { removal: kind === 'service.removed', rollback: kind === 'service.rolledback' },
    body: {
      ...extras.fields,
      applicationName: artifact?.name ?? serviceName,
      cluster: clusterOf(content.environment.id, config),
      version: artifact?.version ?? null,
      imageName: extras.fields.imageName ?? artifact?.name ?? null,
    },
    origins: {
      ...extras.origins,
      applicationName: artifact?.name ? 'data.subject.content.artifactId' : 'data.subject.id',
      cluster: 'data.subject.content.environment.id',
      version: 'data.subject.content.artifactId',
    },
  };
}

function runError(kind: string, cdevent: CdEvent, key: string): Mapped {
  const content = cdevent.subject.content as {
    pipelineName?: string;
    taskName?: string;
    outcome: string;
    errors?: string;
    url?: string;
    uri?: string;
  };
  const what = kind === 'pipelinerun.finished' ? 'Pipeline run' : 'Task run';
  const name = content.pipelineName ?? content.taskName ?? cdevent.subject.id;
  const extras = errorExtras(cdevent.customData, 'data.customData');
  return {
    kind: 'error',
    key,
    body: {
      ...extras.fields,
      message: `${what} ${name} ended with ${content.outcome}${content.errors ? `: ${firstLine(content.errors)}` : ''}`,
      stackTrace: content.errors ?? null,
      logUrl: content.uri ?? content.url ?? null,
    },
    origins: {
      ...extras.origins,
      message: 'data.subject.content.errors',
      stackTrace: 'data.subject.content.errors',
      logUrl: content.uri !== undefined ? 'data.subject.content.uri' : 'data.subject.content.url',
    },
  };
}

/** A purl's package name and version (its OCI `tag` first); an artifact id that is no purl is the version itself. */
function readArtifact(artifactId: string): { name: string | null; version: string | null } {
  try {
    const purl = PackageURL.fromString(artifactId);
    const tag = purl.qualifiers?.tag;
    return { name: purl.name, version: typeof tag === 'string' && tag !== '' ? tag : (purl.version ?? null) };
  } catch {
    return { name: null, version: artifactId };
  }
}

function stored(cdevent: CdEvent, known: boolean): StoredCdEvent {
  const content = cdevent.subject.content as { outcome?: unknown } | null;
  return {
    cdeventType: cdevent.context.type,
    specVersion: (cdevent.context.specversion ?? cdevent.context.version)!,
    id: cdevent.context.id,
    source: cdevent.context.source,
    timestamp: cdevent.context.timestamp,
    subjectId: cdevent.subject.id,
    content: cdevent.subject.content ?? null,
    outcome: known && typeof content?.outcome === 'string' ? content.outcome : null,
  };
}

function invalid(prefix: string, fields: FieldProblem[]): HubError {
  const named = fields.map((field) => ({ ...field, field: `${prefix}${field.field}` }));
  const names = [...new Set(named.map((field) => field.field))].join(', ');
  return new HubError('HUB_ERR_VALIDATION', `invalid CDEvent: ${names}`, named);
}
