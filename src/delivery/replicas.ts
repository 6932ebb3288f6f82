import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../logging/logger.js';
import type { Db } from '../store/db.js';
import { requeueClaimed } from '../store/deliveries-repo.js';
import {
  forgetReplica,
  recordHeartbeat,
  sweepDeadReplicas,
  unlockWorkers,
  type HeartbeatStats,
  type HubIdentity,
  type ReplicaConfig,
} from '../store/replicas-repo.js';

/** What this hub reports with each beat (host, version, memory, CPU, loop delay, work). */
export type HeartbeatDescriber = () => Promise<{ identity: HubIdentity; stats: HeartbeatStats }>;

const HEARTBEAT_MS = 5_000;
/** A hub silent for this long is dead: its work goes to the others (well inside the 30 s promise). */
const DEAD_AFTER_SECONDS = 15;

/**
 * This hub among the replicas on one PostgreSQL: a heartbeat row naming the queue workers it locks jobs
 * under, and the sweep that hands a dead hub's work to the living: its locked jobs are unlocked, and the
 * deliveries it was running itself get jobs. Every hub sweeps; whichever notices first does it.
 */
export class Replicas {
  readonly instanceId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly workerIds = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private describe: HeartbeatDescriber | null = null;
  private config: (() => ReplicaConfig) | null = null;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /** Set before start: the figures each beat carries. */
  describeWith(describe: HeartbeatDescriber): void {
    this.describe = describe;
  }

  /** Set when the hub runs from a configuration file: each beat carries its hash (and its last problem). */
  configWith(read: () => ReplicaConfig): void {
    this.config = read;
  }

  /** A beat now, not at the next tick: a reload's outcome reaches the other replicas' pages at once. */
  beatNow(): Promise<void> {
    return this.beat();
  }

  addWorker(id: string): void {
    this.workerIds.add(id);
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /**
   * Unlocks whatever this hub still holds and leaves. graphile-worker 0.18 fails to hand back jobs of its
   * local queue gracefully ("Cannot background something when the queue is already released") and relies on
   * its forceful shutdown to unlock them; doing it here keeps the promise that the next hub runs them at once
   * independent of that fallback. Locked, they would wait hours.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await unlockWorkers(this.db, [...this.workerIds]).catch(() => undefined);
    await forgetReplica(this.db, this.instanceId).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      const about = this.describe ? await this.describe().catch(() => undefined) : undefined;
      await recordHeartbeat(this.db, this.instanceId, [...this.workerIds], about, this.config?.());
      const dead = await sweepDeadReplicas(this.db, DEAD_AFTER_SECONDS);
      if (dead.length > 0) this.logger.warn('unlocked jobs of hubs that stopped answering', { hubs: dead });
      // What silent hubs were running themselves (deliveries of events they ingested) gets jobs; checked on
      // every beat rather than with the sweep above, so a survivor dying midway leaves nothing behind.
      const requeued = await requeueClaimed(this.db, { silentForSeconds: DEAD_AFTER_SECONDS });
      if (requeued > 0)
        this.logger.warn('gave jobs to deliveries that hubs which stopped answering were running', {
          deliveries: requeued,
        });
    } catch (error) {
      this.logger.warn('heartbeat failed', { error: String(error) });
    }
  }
}
