import { randomUUID } from 'node:crypto';
import type { Json } from '../support/json.js';

/**
 * CDEvents the way Tekton, Jenkins or Spinnaker send them: built from the CDEvents spec's documented layouts of
 * v0.4 (`context.version`, `subject.type`) and v0.5 (`context.specversion`), carried as CloudEvents 1.0 over HTTP
 * in structured, binary or batched mode.
 */
export type SpecLayout = '0.4' | '0.5';

export interface CdEventOptions {
  spec?: SpecLayout;
  id?: string;
  source?: string;
  timestamp?: string;
  subjectId?: string;
  customData?: Record<string, unknown> | string;
}

/** Type versions of spec v0.4.1 and v0.5.x, per subject and predicate. */
const TYPE_VERSION: Record<SpecLayout, string> = { '0.4': '0.2.0', '0.5': '0.3.0' };
const SPEC_VERSION: Record<SpecLayout, string> = { '0.4': '0.4.1', '0.5': '0.5.0' };

export function cdevent(
  kind: string,
  subjectType: string,
  content: Record<string, unknown>,
  options: CdEventOptions = {},
): Record<string, unknown> {
  const spec = options.spec ?? '0.5';
  const context: Record<string, unknown> = {
    id: options.id ?? randomUUID(),
    source: options.source ?? '/tekton/namespace/ci',
    type: `dev.cdevents.${kind}.${TYPE_VERSION[spec]}`,
    timestamp: options.timestamp ?? new Date().toISOString(),
    [spec === '0.4' ? 'version' : 'specversion']: SPEC_VERSION[spec],
  };
  return {
    context,
    subject: {
      id:
        options.subjectId ??
        `service/${
          (typeof content.artifactId === 'string' ? content.artifactId : 'app').replace(/^pkg:\w+\//, '').split('@')[0]
        }`,
      source: options.source ?? '/tekton/namespace/ci',
      ...(spec === '0.4' ? { type: subjectType } : {}),
      content,
    },
    ...(options.customData !== undefined ? { customData: options.customData } : {}),
  };
}

/** `service.deployed` (or `.upgraded`, `.rolledback`) of an OCI image: `pkg:oci/<name>@sha256:…?tag=<version>`. */
export function serviceEvent(
  predicate: 'deployed' | 'upgraded' | 'rolledback',
  app: { name: string; version: string; environment: string },
  options: CdEventOptions = {},
): Record<string, unknown> {
  const artifactId = `pkg:oci/${app.name}@sha256%3A${'0b31'.repeat(16)}?tag=${encodeURIComponent(app.version)}`;
  return cdevent(
    `service.${predicate}`,
    'service',
    { environment: { id: app.environment, source: '/clusters' }, artifactId },
    { subjectId: `service/${app.name}`, ...options },
  );
}

export function serviceRemoved(
  app: { name: string; environment: string },
  options: CdEventOptions = {},
): Record<string, unknown> {
  return cdevent(
    'service.removed',
    'service',
    { environment: { id: app.environment } },
    {
      subjectId: `service/${app.name}`,
      ...options,
    },
  );
}

/** `pipelinerun.finished`: v0.4 links the run with `url`, v0.5 with `uri`. */
export function pipelineRunFinished(
  run: { name: string; outcome: string; errors?: string; link?: string },
  options: CdEventOptions = {},
): Record<string, unknown> {
  const spec = options.spec ?? '0.5';
  return cdevent(
    'pipelinerun.finished',
    'pipelineRun',
    {
      pipelineName: run.name,
      outcome: run.outcome,
      ...(run.errors ? { errors: run.errors } : {}),
      [spec === '0.4' ? 'url' : 'uri']: run.link ?? `https://tekton.example.test/runs/${run.name}`,
    },
    { subjectId: `namespace/pipelinerun-${run.name}`, ...options },
  );
}

/** The CloudEvent of a CDEvent, in structured form (the binding: id, source, type and time from the context). */
export function cloudEventOf(event: Record<string, unknown>): Record<string, unknown> {
  const context = event.context as Record<string, string>;
  const subject = event.subject as Record<string, string>;
  return {
    specversion: '1.0',
    id: context.id,
    source: context.source,
    type: context.type,
    subject: subject.id,
    time: context.timestamp,
    datacontenttype: 'application/json',
    data: event,
  };
}

export interface SendOptions {
  headers?: Record<string, string>;
}

/** POSTs in structured mode: `application/cloudevents+json`. */
export function sendStructured(url: string, event: Record<string, unknown>, options: SendOptions = {}) {
  return post(url, JSON.stringify(cloudEventOf(event)), {
    'Content-Type': 'application/cloudevents+json; charset=utf-8',
    ...options.headers,
  });
}

/** POSTs in binary mode: the attributes in `ce-*` headers, the CDEvent as the JSON body. */
export function sendBinary(url: string, event: Record<string, unknown>, options: SendOptions = {}) {
  const ce = cloudEventOf(event);
  return post(url, JSON.stringify(event), {
    'Content-Type': 'application/json; charset=utf-8',
    'ce-specversion': '1.0',
    'ce-id': String(ce.id),
    'ce-source': String(ce.source),
    'ce-type': String(ce.type),
    'ce-subject': encodeURIComponent(String(ce.subject)),
    'ce-time': String(ce.time),
    ...options.headers,
  });
}

/** POSTs in batched mode: `application/cloudevents-batch+json`. */
export function sendBatch(url: string, events: Array<Record<string, unknown>>, options: SendOptions = {}) {
  return post(url, JSON.stringify(events.map(cloudEventOf)), {
    'Content-Type': 'application/cloudevents-batch+json',
    ...options.headers,
  });
}

export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', body, headers });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
