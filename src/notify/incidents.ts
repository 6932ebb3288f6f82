import { chooseAddresses, factsOf } from './choose.js';
import type { NotifyHooks } from './hooks.js';
import type { HubLinks } from './provider.js';
import type { TargetRouting } from './routing.js';
import { transitionKind, type NotifyKind } from './silence.js';
import type { Deployment } from '../events/enrich.js';
import type { CheckResult, HubEvent } from '../events/types.js';
import type { DeliveryContext } from '../module-system/contract.js';

type Transition = HubEvent<'inspection'>['payload'];
export type IncidentKind = 'alert' | 'escalation' | 'recovery';

/**
 * A provider for an on-call tool (PagerDuty, Opsgenie): it keeps incidents by a key of its own, so there is
 * nothing to thread, edit, pace or digest. An alert opens the incident of its inspection key, an escalation
 * raises it and a recovery resolves it; repeats of a call for one key collapse on the service (its dedup key or
 * alias), which is what makes a retried delivery safe. The layer still routes (stored routes or the default
 * kinds below) and asks the silences (`DeliveryContext.silences`) before every call.
 */
export interface IncidentProvider {
  readonly name: string;
  /** What the default routing (no stored routes) sends to this target. */
  readonly defaultKinds: readonly NotifyKind[];
  /** Opens, raises or resolves the incident of `transition.key`; answers one line for the delivery's result. */
  incident(address: string, kind: IncidentKind, transition: Transition, signal: AbortSignal): Promise<string>;
  /** A deployment as a change the tool shows beside incidents; absent when the tool has no such thing. */
  change?(address: string, deployment: Deployment, links: HubLinks, signal: AbortSignal): Promise<string>;
}

/** An incident target has one address, `default` (its configured key): any address a route names means it. */
export const INCIDENT_ADDRESS = 'default';

/** A route's `"payload"` means the one address too: the event's chat channels are nothing to an on-call tool. */
const PAYLOAD = { slackChannels: [INCIDENT_ADDRESS] };

export function incidentRouting(kinds: readonly NotifyKind[]): TargetRouting {
  return {
    kinds,
    override: [],
    always: [INCIDENT_ADDRESS],
    allowed: [],
    normalise: (values) => (values.length > 0 ? [INCIDENT_ADDRESS] : []),
  };
}

export function incidentKindOf(transition: Transition): IncidentKind {
  return transitionKind(transition.transition);
}

/** One incident target's handlers: route, ask the silences, call the provider once per address. */
export class IncidentNotifier {
  private readonly routing: TargetRouting;

  constructor(
    private readonly options: { target: string; provider: IncidentProvider; hooks: NotifyHooks; publicUrl: string },
  ) {
    this.routing = incidentRouting(options.provider.defaultKinds);
  }

  inspection(event: HubEvent<'inspection'>, delivery: DeliveryContext): Promise<CheckResult> {
    const kind = incidentKindOf(event.payload);
    return this.send(event, kind, delivery, (address) =>
      this.options.provider.incident(address, kind, event.payload, delivery.signal),
    );
  }

  deployment(event: HubEvent<'deployment'>, delivery: DeliveryContext): Promise<CheckResult> {
    const { provider } = this.options;
    if (!provider.change)
      return Promise.resolve({ notify: false, summary: `${this.options.provider.name} takes no changes` });
    const kind: NotifyKind = event.payload.removal ? 'removal' : 'deployment';
    const links = { publicUrl: this.options.publicUrl, eventId: event.id };
    return this.send(event, kind, delivery, (address) =>
      provider.change!(address, event.payload, links, delivery.signal),
    );
  }

  /** One call to the service, counted as sent or failed (`alvares_notifications_total`). */
  private async counted(kind: NotifyKind, call: () => Promise<string>): Promise<string> {
    const { target, hooks } = this.options;
    try {
      const said = await call();
      hooks.count({ target, kind, outcome: 'sent', count: 1 });
      return said;
    } catch (error) {
      hooks.count({ target, kind, outcome: 'failed', count: 1 });
      throw error;
    }
  }

  private async send(
    event: HubEvent<'inspection'> | HubEvent<'deployment'>,
    kind: NotifyKind,
    delivery: DeliveryContext,
    call: (address: string) => Promise<string>,
  ): Promise<CheckResult> {
    const { target, hooks } = this.options;
    const chosen = await chooseAddresses(
      hooks.routes,
      target,
      this.routing,
      factsOf(event.type, kind, event.payload),
      PAYLOAD,
      () => (this.routing.kinds?.includes(kind) ? this.routing.always : []),
    );
    if (chosen.addresses.length === 0) return { notify: false, summary: `no route sends this ${kind}` };
    const said: string[] = [];
    const suppressed: Array<{ address: string; silenceId: string }> = [];
    // The rule that may have held the whole delivery, asked for this target (silences match no address).
    const silenceId = delivery.silences?.heldBy({ target, kind }) ?? null;
    for (const address of chosen.addresses) {
      if (silenceId) suppressed.push({ address, silenceId });
      else said.push(await this.counted(kind, () => call(address)));
    }
    // Held calls are counted by the run that ends the delivery (one that throws counts them again on its retry).
    hooks.count({ target, kind, outcome: 'suppressed', count: suppressed.length });
    const held = suppressed.map((s) => `suppressed (silence ${s.silenceId})`);
    return {
      notify: false,
      summary: [...said, ...held].join('; '),
      ...(chosen.chosenBy || suppressed.length > 0
        ? {
            details: {
              ...(chosen.chosenBy ? { routes: chosen.chosenBy } : {}),
              ...(suppressed.length > 0 ? { suppressed } : {}),
            },
          }
        : {}),
    };
  }
}
