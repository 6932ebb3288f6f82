import type { KeyState } from '../store/inspection-state-repo.js';
import type { ModuleActivity, QueueWait, ReplicaView } from '../store/status-repo.js';
import { rankOf, severityOf, worstOf, type Severity } from './severity.js';
import { duration } from './html.js';

/** A queue whose oldest waiting delivery has waited this long is behind. */
export const QUEUE_BEHIND_SECONDS = 60;

/** One thing broken now, as the top of the overview lists it. */
export interface Problem {
  kind: 'dead' | 'alert' | 'queue' | 'replica';
  severity: Severity;
  /** Whose problem: a module, a check, a replica. */
  subject: string;
  what: string;
  since: string | null;
  href: string;
}

export interface ProblemInput {
  activity: Map<string, ModuleActivity>;
  queues: QueueWait[];
  alerting: KeyState[];
  replicas: ReplicaView[];
}

/**
 * What is broken now, worst first, then oldest first: dead deliveries per module, checks with targets in
 * alert, queues that are behind, replicas that stopped answering. Pure: the reads are the caller's.
 */
export function findProblems(input: ProblemInput): Problem[] {
  const problems: Problem[] = [];
  for (const activity of input.activity.values()) {
    if (activity.dead === 0) continue;
    problems.push({
      kind: 'dead',
      severity: 'error',
      subject: activity.module,
      what: `${activity.dead} dead ${activity.dead === 1 ? 'delivery' : 'deliveries'}`,
      since: activity.deadSince,
      href: `/errors?module=${encodeURIComponent(activity.module)}`,
    });
  }
  const byCheck = new Map<string, KeyState[]>();
  for (const key of input.alerting) byCheck.set(key.check, [...(byCheck.get(key.check) ?? []), key]);
  for (const [check, keys] of byCheck) {
    const worst = worstOf(keys.map((key) => severityOf(key.alertStatus)));
    const since = keys.map((key) => key.since ?? key.updatedAt).sort()[0] ?? null;
    problems.push({
      kind: 'alert',
      severity: worst,
      subject: check,
      what:
        keys.length === 1
          ? `${targetName(keys[0]!)} in alert (${keys[0]!.alertStatus})`
          : `${keys.length} targets in alert (worst ${worst})`,
      since,
      href: `/checks/${encodeURIComponent(check)}`,
    });
  }
  for (const queue of input.queues) {
    if (queue.oldestSeconds < QUEUE_BEHIND_SECONDS) continue;
    problems.push({
      kind: 'queue',
      severity: 'warning',
      subject: queue.module,
      what: `behind: ${queue.waiting} waiting, the oldest for ${duration(queue.oldestSeconds * 1000)}`,
      since: queue.oldestSince,
      href: '/#queues',
    });
  }
  for (const replica of input.replicas) {
    if (!replica.missing) continue;
    problems.push({
      kind: 'replica',
      severity: 'error',
      subject: replica.id,
      what: 'replica missing: no heartbeat',
      since: replica.heartbeatAt,
      href: '/#replicas',
    });
  }
  return problems.sort(
    (a, b) => rankOf(b.severity) - rankOf(a.severity) || (a.since ?? '').localeCompare(b.since ?? ''),
  );
}

/** A key as people name it: its dimensions' values ("kth-azure-app · active"), or the check's name. */
export function targetName(key: Pick<KeyState, 'dimensions' | 'check'>): string {
  const values = Object.values(key.dimensions);
  return values.length > 0 ? values.join(' · ') : key.check;
}

export function problemSummary(problems: Problem[]): { count: number; worst: Severity } {
  return { count: problems.length, worst: worstOf(problems.map((problem) => problem.severity)) };
}
