import type { Appended, EventBus, EventInput } from '../bus/bus.js';
import { DEFAULT_THRESHOLDS, keyOf, nextAlertState, type Thresholds } from '../events/alert-state.js';
import type { CheckStatus, InspectionTransition } from '../events/types.js';
import type { Queryable } from '../store/db.js';
import { insertTransitions, lockStates, saveStates, type KeyState } from '../store/inspection-state-repo.js';
import type { HubStream } from '../stream/hub-stream.js';

/** One result for one key of a check, as the state machine takes it. */
export interface KeyResult {
  dimensions: Record<string, string>;
  status: CheckStatus;
  title: string;
  message: string;
  slackChannels: string[];
}

export interface RunRef {
  check: string;
  kind: InspectionTransition['kind'];
  runId: string;
  /** The module the results come from: it is not delivered its own transitions. */
  source?: string;
  thresholds?: Partial<Thresholds>;
}

export interface Recorded {
  appended: Appended;
  transitions: InspectionTransition[];
}

/**
 * The alert state of every key, kept in PostgreSQL: inspections' and external checks' results go through
 * the same state machine (src/events/alert-state.ts) inside the caller's transaction, and each transition
 * is stored and published as an `inspection` event on the bus, committed with the run's record.
 */
export class AlertBook {
  constructor(private readonly deps: { bus: EventBus; stream: HubStream; publicUrl: string }) {}

  /** The check on the hub, for messages: `${publicUrl}/checks/<name>`. */
  linkFor(check: string): string {
    return `${this.deps.publicUrl}/checks/${encodeURIComponent(check)}`;
  }

  async record(client: Queryable, run: RunRef, results: KeyResult[]): Promise<Recorded> {
    const thresholds = { ...DEFAULT_THRESHOLDS, ...run.thresholds };
    const keyed = results.map((result) => ({ result, key: keyOf(run.check, result.dimensions) }));
    const states = await lockStates(client, run.check, [...new Set(keyed.map(({ key }) => key))]);
    const transitions: InspectionTransition[] = [];
    const now = Date.now();
    const at = new Date(now).toISOString();
    for (const { result, key } of keyed) {
      const step = nextAlertState(states.get(key) ?? null, result.status, at, thresholds);
      const state: KeyState = {
        ...step.state,
        check: run.check,
        key,
        dimensions: result.dimensions,
        title: result.title,
        message: result.message,
        updatedAt: at,
      };
      states.set(key, state);
      if (!step.transition) continue;
      const since = step.alertSince ?? at;
      transitions.push({
        check: run.check,
        kind: run.kind,
        key,
        dimensions: result.dimensions,
        transition: step.transition,
        status: result.status,
        previousStatus: step.previousStatus,
        since,
        durationMs: Math.max(0, now - Date.parse(since)),
        title: result.title,
        message: result.message,
        link: this.linkFor(run.check),
        slackChannels: result.slackChannels,
        runId: run.runId,
        at,
      });
    }
    await saveStates(
      client,
      [...states.values()].filter((state) => state.updatedAt === at),
    );
    const inputs: EventInput<'inspection'>[] = transitions.map((payload) => ({
      type: 'inspection',
      payload,
      ...(run.source ? { source: run.source } : {}),
    }));
    const appended = inputs.length > 0 ? await this.deps.bus.append(client, inputs) : { events: [], accepted: [] };
    await insertTransitions(
      client,
      transitions.map((t, index) => ({ ...t, eventId: appended.accepted[index]?.eventId ?? null })),
    );
    return { appended, transitions };
  }

  /** After the caller's commit: the events on the stream, and each transition for the status page. */
  announce(recorded: Recorded): void {
    this.deps.bus.announce(recorded.appended);
    recorded.transitions.forEach((t, index) => {
      this.deps.stream.emit({
        kind: 'transition',
        check: t.check,
        key: t.key,
        transition: t.transition,
        status: t.status,
        eventId: recorded.appended.accepted[index]?.eventId ?? null,
        link: t.link,
        at: t.at,
      });
    });
  }
}
