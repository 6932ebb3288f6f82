import { EventEmitter } from 'eventemitter3';
import type { CheckKind, CheckStatus, DeliveryStatus, EventType, TransitionName } from '../events/types.js';
import type { Logger } from '../logging/logger.js';

/** An event was stored (ingested or derived) with the deliveries enqueued for it. */
export interface EventAccepted {
  kind: 'event.accepted';
  eventId: string;
  type: EventType;
  parentId: string | null;
  applicationName: string | null;
  cluster: string | null;
  deliveries: Array<{ id: string; module: string }>;
  at: string;
}

/** A delivery's lifecycle moved: in progress, failed (with its next attempt), or an end. */
export interface DeliveryChanged {
  kind: 'delivery.changed';
  deliveryId: string;
  eventId: string;
  eventType: EventType;
  module: string;
  status: DeliveryStatus;
  attempts: number;
  durationMs?: number;
  at: string;
  error?: string;
  /** Targets a silence held while the rest of the delivery ran (a whole delivery held ends `suppressed`). */
  heldTargets?: string[];
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

/**
 * A scheduled run was queued, started or ended; or a check's run (an inspection's, an external tool's) moved:
 * then `check` and `runId` say which, and `checkStatus` is the run's own (in_progress, completed, timed_out).
 */
export interface RunChanged {
  kind: 'run.changed';
  /** The schedule's id; for an external check's run, the check's name. */
  schedule: string;
  check?: string;
  checkKind?: CheckKind;
  runId?: string;
  checkStatus?: 'queued' | 'in_progress' | 'completed' | 'timed_out';
  resultStatus?: CheckStatus;
  firedAt: string;
  status: RunStatus;
  durationMs?: number;
  at: string;
  error?: string;
}

/** A key of a check changed its alert state (the `inspection` event went onto the bus). */
export interface TransitionHappened {
  kind: 'transition';
  check: string;
  key: string;
  transition: TransitionName;
  status: CheckStatus;
  eventId: string | null;
  link: string;
  at: string;
}

/** A module was turned on or off (at start or at run time). */
export interface ModuleChanged {
  kind: 'module.changed';
  module: string;
  enabled: boolean;
  reason: string | null;
  at: string;
}

export type StreamItem = EventAccepted | DeliveryChanged | RunChanged | TransitionHappened | ModuleChanged;
export type StreamItemKind = StreamItem['kind'];
type Of<K extends StreamItemKind> = Extract<StreamItem, { kind: K }>;

/**
 * One typed stream of what happens in this hub: the single source the status page, metrics and tests
 * read, so none of them reaches into the delivery engine or the scheduler. Each listener is isolated:
 * eventemitter3's emit() does not catch, and a page or a metric must never break a delivery.
 */
export class HubStream {
  private readonly emitter = new EventEmitter();

  constructor(private readonly logger: Logger) {}

  emit(item: StreamItem): void {
    this.emitter.emit(item.kind, item);
    this.emitter.emit('*', item);
  }

  on<K extends StreamItemKind>(kind: K, listener: (item: Of<K>) => void): () => void {
    return this.listen(kind, listener as (item: StreamItem) => void);
  }

  /** Every item, in order. */
  onAny(listener: (item: StreamItem) => void): () => void {
    return this.listen('*', listener);
  }

  private listen(name: string, listener: (item: StreamItem) => void): () => void {
    const safe = (item: StreamItem) => {
      try {
        listener(item);
      } catch (error) {
        this.logger.error('stream listener failed', { kind: item.kind, error: String(error) });
      }
    };
    this.emitter.on(name, safe);
    return () => this.emitter.off(name, safe);
  }
}
