import { randomUUID } from 'node:crypto';
import { summaryColumns } from '../../src/bus/bus.js';
import type { CoreConfig } from '../../src/config/config.js';
import { enrichDeployment, enrichError } from '../../src/events/enrich.js';
import { deploymentSchema, errorSchema } from '../../src/events/schemas.js';
import type { InspectionTransition } from '../../src/events/types.js';
import type { Db } from '../../src/store/db.js';
import { aspenDeployment, aspenError } from './aspen.js';

/**
 * Generated histories for the insights tests. Ingest stamps every event with the time it arrives, and the
 * measures are about arrival times days and weeks apart, so these rows are written straight into `events`
 * with the arrival time each case needs. Payloads are made by the hub's own schema and enrichment, exactly
 * as ingest stores them; inspection transitions have the shape the alert book publishes.
 *
 * Write a history before the hub's first insights read (or with arrival times after it): insights copy
 * events by arrival time, and the hub itself never writes an arrival time in the past.
 */
export type HistoryItem =
  | { at: Date; deployment: Record<string, unknown> }
  | { at: Date; error: Record<string, unknown> }
  | { at: Date; inspection: { application: string; cluster: string; transition: InspectionTransition['transition'] } };

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 24 * HOUR;

/** Unix seconds as Aspen sends `created` ("1763800000.123456"): when the image was built. */
export function createdAt(time: Date): string {
  return (time.getTime() / 1000).toFixed(6);
}

export function deploymentAt(at: Date, fields: Record<string, unknown>): HistoryItem {
  return { at, deployment: fields };
}

export function errorAt(at: Date, application: string, cluster = 'active'): HistoryItem {
  return { at, error: { applicationName: application, cluster, message: `Deployment of ${application} failed` } };
}

export function transitionAt(
  at: Date,
  application: string,
  transition: InspectionTransition['transition'],
  cluster = 'active',
): HistoryItem {
  return { at, inspection: { application, cluster, transition } };
}

/** Stores each item as an event received at its `at`; returns the event ids in the order given. */
export async function writeHistory(db: Db, config: CoreConfig, items: readonly HistoryItem[]): Promise<string[]> {
  const rows = items.map((item) => {
    const { type, payload, raw } = eventOf(item, config);
    return { id: randomUUID(), type, received_at: item.at.toISOString(), payload, raw, ...columns(type, payload) };
  });
  await db.query(
    `insert into events (id, type, received_at, payload, raw, application_name, cluster, team)
     select id, type, received_at, payload, raw, application_name, cluster, team
     from jsonb_to_recordset($1::jsonb) as r(id uuid, type text, received_at timestamptz, payload jsonb, raw jsonb, application_name text, cluster text, team text)`,
    [JSON.stringify(rows)],
  );
  return rows.map((row) => row.id);
}

function columns(type: string, payload: unknown) {
  const { applicationName, cluster, team } = summaryColumns(payload);
  return type === 'inspection'
    ? { application_name: null, cluster: null, team: null }
    : { application_name: applicationName, cluster, team };
}

function eventOf(item: HistoryItem, config: CoreConfig): { type: string; payload: unknown; raw: unknown } {
  if ('deployment' in item) {
    const raw = aspenDeployment(item.deployment);
    return { type: 'deployment', payload: enrichDeployment(deploymentSchema.parse(raw), config), raw };
  }
  if ('error' in item) {
    const raw = aspenError(item.error);
    return { type: 'error', payload: enrichError(errorSchema.parse(raw)), raw };
  }
  const { application, cluster, transition } = item.inspection;
  const dimensions = { application, cluster };
  const payload: InspectionTransition = {
    check: 'endpoints.health',
    kind: 'inspection',
    key: `endpoints.health{application=${application},cluster=${cluster}}`,
    dimensions,
    transition,
    status: transition === 'recovered' ? 'ok' : 'error',
    previousStatus: transition === 'recovered' ? 'error' : 'ok',
    since: item.at.toISOString(),
    durationMs: 0,
    title: `${application} (${cluster}): ${transition === 'recovered' ? 'keyword found' : 'keyword missing'}`,
    message: '',
    link: 'http://localhost/checks/endpoints.health',
    slackChannels: [],
    runId: randomUUID(),
    at: item.at.toISOString(),
  };
  return { type: 'inspection', payload, raw: null };
}
