import type { KeyState } from '../store/inspection-state-repo.js';
import type { ModuleActivity, QueueWait, ReplicaView } from '../store/status-repo.js';
import { rankOf, severityOf, worstOf, type Severity } from './severity.js';
import { duration } from './html.js';

/** A queue whose oldest waiting delivery has waited this long is behind. */
export const QUEUE_BEHIND_SECONDS = 60;

/** One thing broken now, as the top of the overview lists it. */
export interface Problem {
  kind: 'dead' | 'alert' | 'queue' | 'replica' | 'config';
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
  problems.push(...configProblems(input.replicas));
  return problems.sort(
    (a, b) => rankOf(b.severity) - rankOf(a.severity) || (a.since ?? '').localeCompare(b.since ?? ''),
  );
}

/** Replicas whose last reload of the configuration file failed, and replicas running a file that differs. */
function configProblems(replicas: ReplicaView[]): Problem[] {
  const answering = replicas.filter((replica) => !replica.missing);
  const problems: Problem[] = answering
    .filter((replica) => replica.configProblem)
    .map((replica) => ({
      kind: 'config',
      severity: 'error',
      subject: replica.id,
      what: `configuration file not reloaded, the last good one stays: ${replica.configProblem}`,
      since: replica.heartbeatAt,
      href: '/#replicas',
    }));
  const differing = differingReplicas(answering);
  if (differing.size > 0)
    problems.push({
      kind: 'config',
      severity: 'warning',
      subject: [...differing].join(', '),
      what: `replicas run different configuration files (${new Set(answering.map((replica) => replica.configHash)).size} hashes)`,
      since: null,
      href: '/#replicas',
    });
  return problems;
}

/** The replicas whose configuration hash is not the one most replicas run (all of them on a tie). */
export function differingReplicas(replicas: ReplicaView[]): Set<string> {
  const live = replicas.filter((replica) => !replica.missing && replica.configHash !== null);
  const counts = new Map<string, number>();
  for (const replica of live) counts.set(replica.configHash!, (counts.get(replica.configHash!) ?? 0) + 1);
  if (counts.size < 2) return new Set();
  const top = Math.max(...counts.values());
  const winners = [...counts].filter(([, count]) => count === top);
  const common = winners.length === 1 ? winners[0]![0] : null;
  return new Set(live.filter((replica) => replica.configHash !== common).map((replica) => replica.id));
}

/** A key as people name it: its dimensions' values ("kth-azure-app · active"), or the check's name. */
export function targetName(key: Pick<KeyState, 'dimensions' | 'check'>): string {
  const values = Object.values(key.dimensions);
  return values.length > 0 ? values.join(' · ') : key.check;
}

export function problemSummary(problems: Problem[]): { count: number; worst: Severity } {
  return { count: problems.length, worst: worstOf(problems.map((problem) => problem.severity)) };
}
