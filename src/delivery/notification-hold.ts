import type { HubEvent } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { DeliverySilences, MutingSilence, NotificationSend } from '../module-system/contract.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { ClaimedDelivery } from '../store/deliveries-repo.js';

/** What an event is about: its application, cluster and team (a check's outcome carries its deployment's). */
export interface About {
  applicationName: string | null;
  cluster: string | null;
  team: string | null;
}

/**
 * Where a notification goes: the target and the module delivering it (a whole delivery: the module's name as
 * both), and the kind the layer says it as (left out: the one the event is said as, `notifyKindOf`).
 */
export interface SendTo {
  target: string;
  module: string;
  kind?: string | null;
}

/**
 * The silences, as the delivery code asks them (it does not know silences; `src/hub-steps.ts` wires them in). One
 * rule for a whole delivery (the module's name as the target) and for each of its sends. `about` is the event's
 * application, cluster and team (a check's outcome carries its deployment's).
 */
export interface NotificationHold {
  /** The id of the silence that holds this notification now, or null. */
  holding(event: HubEvent, about: About, to: SendTo): string | null;
  /** Silences naming the event's application that hold other kinds at this target, but not this notification. */
  mutingOthers(event: HubEvent, about: About, to: SendTo): MutingSilence[];
}

/** What silences held in an attempt that ran: the first silence (the delivery's `suppressedBy`) and each target once. */
export interface HeldSends {
  suppressedBy: string | null;
  targets: string[];
}

/**
 * The silences for one attempt of a notification module's delivery: asked once for the whole delivery, then by
 * the notification layer for each send (`DeliveryContext.silences`). A delivery a silence held before is being
 * replayed, wholly or in part: the operator asked for it, so nothing holds it. A hold that cannot be judged must
 * not swallow a notification: it is sent.
 */
export class AttemptSilences {
  private readonly held = new Map<string, string>();
  private readonly about: About;

  constructor(
    private readonly hold: NotificationHold,
    private readonly claimed: ClaimedDelivery,
    private readonly event: HubEvent,
    private readonly logger: Logger,
  ) {
    const payload = (claimed.payload ?? {}) as Record<string, unknown>;
    const text = (column: string | null | undefined, field: unknown) =>
      column ?? (typeof field === 'string' ? field : null);
    this.about = {
      applicationName: text(claimed.application_name, payload.applicationName),
      cluster: text(claimed.cluster, payload.cluster),
      team: text(claimed.team, payload.team),
    };
  }

  /** The silence holding the whole delivery (its module's name as the target), or null to run it. */
  wholly(): string | null {
    const { module } = this.claimed;
    return this.ask(() => this.hold.holding(this.event, this.about, { target: module, module }), null);
  }

  /** What the notification layer asks per send. */
  readonly forSends: DeliverySilences = {
    heldBy: (send: NotificationSend) => {
      const id = this.ask(() => this.hold.holding(this.event, this.about, this.to(send)), null);
      if (id && !this.held.has(send.target)) this.held.set(send.target, id);
      return id;
    },
    // A replay is sent, but what else is muted is still true: a replayed deployment's thread says it too.
    mutingOthers: (send: NotificationSend) =>
      this.ask(() => this.hold.mutingOthers(this.event, this.about, this.to(send)), [], true),
  };

  /** What this attempt held, for the delivery's end. */
  heldSends(): HeldSends {
    return { suppressedBy: [...this.held.values()][0] ?? null, targets: [...this.held.keys()] };
  }

  private to(send: NotificationSend): SendTo {
    return { target: send.target, module: this.claimed.module, kind: send.kind };
  }

  private ask<T>(question: () => T, otherwise: T, onReplay = false): T {
    if (this.claimed.suppressed_by && !onReplay) return otherwise;
    try {
      return question();
    } catch (error) {
      this.logger.warn('could not match silences; sending', { deliveryId: this.claimed.id, error: String(error) });
      return otherwise;
    }
  }
}

/** The silences for an attempt of a notification module's delivery; null for any other module, or without silences. */
export function attemptSilences(
  deps: { hold?: NotificationHold; registry: ModuleRegistry; logger: Logger },
  claimed: ClaimedDelivery,
  event: HubEvent,
): AttemptSilences | null {
  if (!deps.hold || !deps.registry.isNotification(claimed.module)) return null;
  return new AttemptSilences(deps.hold, claimed, event, deps.logger);
}
