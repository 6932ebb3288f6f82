import type { z } from 'zod';
import type { TargetKind } from './hooks.js';
import { Notifier } from './notifier.js';
import type { NotifyProvider } from './provider.js';
import type { TargetRouting } from './routing.js';
import { DeliveryDeferral } from '../errors.js';
import type { CheckResult, HubEvent } from '../events/types.js';
import type { DeliveryContext, ModuleContext, ScheduledWork } from '../module-system/contract.js';

/** One target's part of an event: its notifier, and its stored settings (null for the environment's target). */
type Run = (notifier: Notifier<unknown>, settings: Record<string, unknown> | null) => Promise<CheckResult>;
type Current = Array<[string, Notifier<unknown>, Record<string, unknown> | null]>;

/**
 * Every target of one provider, served by its module's one delivery per event: the target its environment makes
 * (when set) and the ones stored at run time, each with its own client, threads, pacing and exactly-once rows
 * (all keyed by the target's name). Built by `createProviderTargets`.
 */
export class ProviderTargets {
  private readonly stored = new Map<string, { provider: NotifyProvider<unknown>; notifier: Notifier<unknown> }>();

  constructor(
    private readonly ctx: ModuleContext<unknown>,
    private readonly provider: string,
    private readonly envNotifier: Notifier<unknown> | null,
  ) {}

  deployment(event: HubEvent<'deployment'>, delivery: DeliveryContext): Promise<CheckResult> {
    return this.each((notifier) => notifier.deployment(event, delivery));
  }

  error(event: HubEvent<'error'>, delivery: DeliveryContext): Promise<CheckResult> {
    return this.each((notifier) => notifier.error(event, delivery));
  }

  recommendation(event: HubEvent<'recommendation'>, delivery: DeliveryContext): Promise<CheckResult> {
    return this.each((notifier) => notifier.recommendation(event, delivery));
  }

  checkFinished(event: HubEvent<'check.finished'>, delivery: DeliveryContext): Promise<CheckResult> {
    return this.each((notifier) => notifier.checkFinished(event, delivery));
  }

  inspection(event: HubEvent<'inspection'>, delivery: DeliveryContext): Promise<CheckResult> {
    return this.each((notifier) => notifier.inspection(event, delivery));
  }

  insightsWeekly(event: HubEvent<'insights.weekly'>, delivery: DeliveryContext): Promise<CheckResult> {
    return this.each((notifier) => notifier.insightsWeekly(event, delivery));
  }

  silenceEnded(event: HubEvent<'silence.ended'>, delivery: DeliveryContext): Promise<CheckResult> {
    return this.each((notifier) => notifier.maintenance(event, delivery));
  }

  /** A chat provider module's handlers: each event it takes, told to every target. */
  handlers() {
    return {
      deployment: (event: HubEvent<'deployment'>, delivery: DeliveryContext) => this.deployment(event, delivery),
      error: (event: HubEvent<'error'>, delivery: DeliveryContext) => this.error(event, delivery),
      recommendation: (event: HubEvent<'recommendation'>, delivery: DeliveryContext) =>
        this.recommendation(event, delivery),
      'check.finished': (event: HubEvent<'check.finished'>, delivery: DeliveryContext) =>
        this.checkFinished(event, delivery),
      inspection: (event: HubEvent<'inspection'>, delivery: DeliveryContext) => this.inspection(event, delivery),
      'insights.weekly': (event: HubEvent<'insights.weekly'>, delivery: DeliveryContext) =>
        this.insightsWeekly(event, delivery),
      'silence.ended': (event: HubEvent<'silence.ended'>, delivery: DeliveryContext) =>
        this.silenceEnded(event, delivery),
    };
  }

  /**
   * The hourly clearing, at `minute` past the hour, of what was posted (`items`). Posted items are kept a day so
   * a late retry cannot queue them again; clearing them here rather than after each post keeps a statement that
   * grows with the address's history off every post.
   */
  pruneSchedule(minute: number, items: string): ScheduledWork {
    return {
      name: 'prune',
      cron: `${minute} * * * *`,
      run: async () => ({ summary: `cleared ${await this.prune()} ${items} older than a day` }),
    };
  }

  /** Posted items of every target kept a day, then cleared. */
  async prune(): Promise<number> {
    let cleared = 0;
    for (const [, notifier] of await this.current()) cleared += await notifier.prune();
    return cleared;
  }

  /** The targets in force now, the environment's first; a stored target's notifier is made again when it changed. */
  private async current(): Promise<Current> {
    const hooks = this.ctx.notifyHooks;
    await hooks.loadTargets();
    const list: Current = this.envNotifier ? [[this.envNotifier.target, this.envNotifier, null]] : [];
    for (const target of hooks.storedTargets()) {
      if (target.provider !== this.provider) continue;
      const parts = hooks.partsOf(target.name);
      if (!parts?.provider) continue;
      let entry = this.stored.get(target.name);
      if (entry?.provider !== parts.provider) {
        entry = {
          provider: parts.provider,
          notifier: makeNotifier(this.ctx, target.name, parts.provider, parts.routing),
        };
        this.stored.set(target.name, entry);
      }
      list.push([target.name, entry.notifier, target.settings]);
    }
    return list;
  }

  /**
   * Runs the event for every target side by side. One target alone answers as it always did; several answer
   * together, each target's result under its name. A target that failed or must wait makes the delivery retry
   * or wait; the others' sends are then found done (each target keeps its own exactly-once rows).
   */
  async each(run: Run): Promise<CheckResult> {
    const targets = await this.current();
    if (targets.length === 0) return { notify: false, summary: `no ${this.provider} target` };
    if (targets.length === 1) return run(targets[0]![1], targets[0]![2]);
    const results = await Promise.allSettled(targets.map(([, notifier, settings]) => run(notifier, settings)));
    const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (failed.length > 0) throw failed.find((reason) => !(reason instanceof DeliveryDeferral)) ?? failed[0];
    const answers = results.map((result) => (result as PromiseFulfilledResult<CheckResult>).value);
    // The event's page names the route behind each send: `<target>: <address>` keeps two targets' sends apart.
    const routes = answers.flatMap((answer, index) =>
      Object.entries((answer.details?.routes ?? {}) as Record<string, unknown>).map(
        ([address, route]) => [`${targets[index]![0]}: ${address}`, route] as const,
      ),
    );
    return {
      notify: answers.some((answer) => answer.notify),
      summary: answers.map((answer, index) => `${targets[index]![0]}: ${answer.summary}`).join('; '),
      details: {
        targets: Object.fromEntries(answers.map((answer, index) => [targets[index]![0], answer.details ?? {}])),
        ...(routes.length > 0 ? { routes: Object.fromEntries(routes) } : {}),
      },
    };
  }
}

export function makeNotifier<M>(
  ctx: ModuleContext<unknown>,
  target: string,
  provider: NotifyProvider<M>,
  routing: TargetRouting,
): Notifier<M> {
  return new Notifier<M>({
    target,
    provider,
    routing,
    db: ctx.db,
    ownDelivery: (eventId) => ctx.ownDelivery(eventId),
    logger: ctx.logger,
    publicUrl: ctx.core.publicUrl,
    hooks: ctx.notifyHooks,
  });
}

/**
 * A provider module's targets: the environment's (`env`, null when its variable is unset) and those stored at
 * run time, each made of its settings by `build` (validated by the kind's `settings` schema first).
 */
export function createProviderTargets<M, S extends z.ZodObject>(
  ctx: ModuleContext<unknown>,
  options: {
    kind: Omit<TargetKind, 'build' | 'settings' | 'module'> & { settings: S };
    env: { provider: NotifyProvider<M>; routing: TargetRouting } | null;
    build(settings: z.output<S>, name: string): { provider: NotifyProvider<M>; routing: TargetRouting };
  },
): ProviderTargets {
  const hooks = ctx.notifyHooks;
  hooks.registerKind({
    ...options.kind,
    module: ctx.name,
    // Stored settings were parsed by this schema before they were stored.
    build: (settings, name) => options.build(settings as z.output<S>, name),
  });
  let envNotifier: Notifier<unknown> | null = null;
  if (options.env) {
    const { provider, routing } = options.env;
    const { threads, edits, lookup, rateLimit } = provider.capabilities;
    hooks.registerTarget(
      {
        name: provider.name,
        provider: provider.name,
        capabilities: {
          threads,
          edits,
          lookup,
          rateLimit: { intervalMs: rateLimit.intervalMs, burst: rateLimit.burst },
        },
      },
      { provider, routing, module: ctx.name },
      options.kind.envVariable,
    );
    envNotifier = makeNotifier(ctx, provider.name, provider, routing);
  }
  return new ProviderTargets(ctx, options.kind.provider, envNotifier);
}
