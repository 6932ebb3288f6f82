import { editTolerantly } from './edits.js';
import { standInFor } from './fallback.js';
import { followUpOutcome, tellsOutcomes, type FollowUpDeps } from './follow-up.js';
import { noteMutedSilences } from './muted-note.js';
import { AddressPoster } from './poster.js';
import { maintenanceParts } from './maintenance.js';
import type { HubLinks, NotifyProvider } from './provider.js';
import { wordingFor } from './templates.js';
import { Sender, waitForRoots } from './sender.js';
import {
  addressesForDeployment,
  addressesForError,
  addressesForRecommendation,
  addressesForTransition,
  namedAddresses,
  type TargetRouting,
} from './routing.js';
import type { NotifyHooks } from './hooks.js';
import { transitionKind, type NotifyKind } from './silence.js';
import { ThreadStore, type PostedRow } from './thread-store.js';
import { chooseAddresses, chooseWeekly, completeFacts, factsOf, type ChosenRoute } from './choose.js';
import type { Root, Sendable } from './sender.js';
import { AddressTurns } from './turns.js';
import type { CheckResult, HubEvent } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { DeliveryContext, ModuleContext } from '../module-system/contract.js';
import type { Db } from '../store/db.js';

export interface NotifierOptions<M> {
  /** The target's name: its rows, pace and threads are its own. */
  target: string;
  provider: NotifyProvider<M>;
  routing: TargetRouting;
  db: Db;
  /** The provider module's own delivery of an event (ModuleContext.ownDelivery). */
  ownDelivery: ModuleContext<unknown>['ownDelivery'];
  logger: Logger;
  publicUrl: string;
  hooks: NotifyHooks;
}

/**
 * What the hub says to one target: routes, words (templates), posts once per address in its turn (alone or in a
 * digest), threads per deployment and alert with replies and status lines. The provider only talks to its service.
 */
export class Notifier<M = unknown> {
  readonly turns: AddressTurns;
  private readonly store: ThreadStore;
  private readonly sender: Sender;
  private readonly provider: NotifyProvider<unknown>;
  private readonly followUps: FollowUpDeps;
  private readonly templated: ReturnType<typeof wordingFor>;

  constructor(private readonly options: NotifierOptions<M>) {
    this.provider = options.provider;
    this.turns = new AddressTurns(
      options.db,
      options.target,
      this.provider.capabilities.rateLimit,
      this.provider.render,
    );
    this.store = new ThreadStore(options.db, options.target);
    this.sender = new Sender({
      target: options.target,
      provider: this.provider,
      store: this.store,
      poster: new AddressPoster(this.turns, this.provider, options.logger, (kind, outcome, count) =>
        options.hooks.count({ target: options.target, kind, outcome, count }),
      ),
      hooks: options.hooks,
    });
    const editRoot = (id: string, root: PostedRow) => this.updateRoot(id, root);
    this.followUps = { provider: this.provider, store: this.store, sender: this.sender, editRoot };
    this.templated = wordingFor(() => options.hooks.templates, this.provider, options.publicUrl);
  }

  get target(): string {
    return this.options.target;
  }

  async deployment(event: HubEvent<'deployment'>, delivery: DeliveryContext): Promise<CheckResult> {
    const kind = event.payload.removal ? 'removal' : 'deployment';
    const route = await this.choose(event, kind, delivery, () =>
      addressesForDeployment(this.options.routing, namedAddresses(event.payload)),
    );
    const root = {
      ...(await this.templated(event, kind, this.provider.render.deployment(event.payload, this.links(event.id)))),
      application: event.payload.applicationName,
    };
    const result = await this.sender.postOnce(event, kind, 'deployment', route, root, delivery);
    await noteMutedSilences({ ...this.options, store: this.store, sender: this.sender }, event, kind, delivery);
    return result;
  }

  async error(event: HubEvent<'error'>, delivery: DeliveryContext): Promise<CheckResult> {
    const route = await this.choose(event, 'error', delivery, () =>
      addressesForError(this.options.routing, namedAddresses(event.payload)),
    );
    const root = {
      ...(await this.templated(event, 'error', this.provider.render.error(event.payload, this.links(event.id)))),
      application: event.payload.applicationName,
    };
    return this.sender.postOnce(event, 'error', 'error', route, root, delivery);
  }

  async recommendation(event: HubEvent<'recommendation'>, delivery: DeliveryContext): Promise<CheckResult> {
    const route = await this.choose(event, 'recommendation', delivery, () =>
      addressesForRecommendation(this.options.routing, namedAddresses(event.payload)),
    );
    const root = {
      ...(await this.templated(
        event,
        'recommendation',
        this.provider.render.recommendation(event.payload, this.links(event.id)),
      )),
      application: event.payload.applicationName,
    };
    return this.sender.postOnce(event, 'recommendation', 'recommendation', route, root, delivery);
  }

  /** Another module finished with a deployment: reply in its threads, then refresh each root's status line. */
  async checkFinished(event: HubEvent<'check.finished'>, delivery: DeliveryContext): Promise<CheckResult> {
    const finished = event.payload;
    const { render, capabilities, words } = this.provider;
    if (!tellsOutcomes(capabilities)) return { notify: false, summary: `no thread: ${words.noThreads}` };
    if (finished.eventType !== 'deployment') return { notify: false, summary: 'no thread' };
    await waitForRoots(this.options.ownDelivery, finished.eventId);
    if (!capabilities.threads) return followUpOutcome(this.followUps, event, delivery);
    const threads = await this.store.threads(finished.eventId);
    if (threads.length === 0) return { notify: false, summary: 'no thread' };

    await this.store.recordOutcome(finished.eventId, event.id, event.receivedAt, finished);
    const outcome = render.outcomeLine(finished);
    await this.sender.replyInThreads({ key: event.id, kind: 'outcome' }, threads, finished.eventId, delivery, {
      // A digest's thread is shared by every deployment in it: the reply says which one it is about.
      lineFor: (thread) => (thread.digest ? render.digestReplyLine(thread.application, outcome) : outcome),
      editRoot: (thread) => this.updateRoot(finished.eventId, thread),
    });
    return { notify: false, summary: `replied in ${threads.length} thread${threads.length === 1 ? '' : 's'}` };
  }

  /**
   * An alert posts a root to its addresses; an escalation or recovery replies in that alert's thread and updates
   * the root's status line. A transition with no thread (the target added mid-alert) is posted as a root.
   */
  async inspection(event: HubEvent<'inspection'>, delivery: DeliveryContext): Promise<CheckResult> {
    const t = event.payload;
    const { render, capabilities } = this.provider;
    const kind: NotifyKind = transitionKind(t.transition);
    const route = await this.choose(event, kind, delivery, () => addressesForTransition(this.options.routing, t));
    const alertEventId = t.transition === 'alert' ? null : await this.store.alertThread(t.key);
    const threads =
      alertEventId && capabilities.threads
        ? [...(await this.store.posted(alertEventId)).values()].filter((row) => row.postId && row.addressId)
        : [];
    if (threads.length === 0) {
      const rendered =
        t.transition === 'alert'
          ? await this.templated(event, 'alert', render.alert(t))
          : { message: render.lineMessage(render.transitionReply(t)), line: render.transitionReply(t) };
      const result = await this.sender.postOnce(
        event,
        kind,
        'alert',
        route,
        { ...rendered, application: null },
        delivery,
      );
      if (t.transition !== 'recovered') await this.store.setAlertThread(t.key, event.id);
      return result;
    }
    const reply = render.transitionReply(t);
    const statusLine = render.alertStatusLine(t);
    await this.sender.replyInThreads({ key: event.id, kind }, threads, alertEventId!, delivery, {
      lineFor: () => reply,
      editRoot: (thread) =>
        editTolerantly(
          this.provider,
          this.options.logger,
          'could not update the alert root',
          { key: t.key, address: thread.address },
          () =>
            this.provider.update(thread.addressId!, thread.postId!, render.withStatusLine(thread.message, statusLine)),
        ),
    });
    return {
      notify: false,
      summary: `${t.transition}: replied in ${threads.length} thread${threads.length === 1 ? '' : 's'}`,
    };
  }

  /** The weekly delivery insights: the overall summary to the always-told addresses, each team's to its own. */
  async insightsWeekly(event: HubEvent<'insights.weekly'>, delivery: DeliveryContext): Promise<CheckResult> {
    const summary = event.payload;
    const { sends, dropped, chosenBy } = chooseWeekly(
      await this.choose(event, 'weekly', delivery, () => []),
      this.options.routing,
      summary,
    );
    const { render } = this.provider;
    const overall = await this.templated(event, 'weekly', render.weeklyOverall(summary));
    const byAddress = new Map<string, Root>();
    for (const { address, team } of sends) {
      const figures = summary.teams.find((candidate) => team !== null && candidate.team === team);
      const root = figures && (await this.templated(event, 'weekly', render.weeklyTeam(summary, figures), figures));
      byAddress.set(address, { ...(root ?? overall), application: null });
    }
    const route = { addresses: sends.map((send) => send.address), dropped, ...(chosenBy ? { chosenBy } : {}) };
    return this.sender.postOnce(event, 'weekly', 'summary', route, (address) => byAddress.get(address)!, delivery);
  }

  /**
   * Where this target sends the event: stored routes when there are any, else today's rules (`fallback`). A
   * delivery standing in for a dead one carries only that one's sends (fallback.ts).
   */
  private async choose(
    event: Sendable,
    kind: NotifyKind,
    delivery: DeliveryContext,
    fallback: () => string[],
  ): Promise<ChosenRoute> {
    const { hooks, target, routing } = this.options;
    const facts = await completeFacts(hooks, factsOf(event.type, kind, event.payload));
    const carrying = delivery.fallbackFor
      ? { own: false, standIn: hooks.targetsOf(delivery.fallbackFor.module) }
      : await standInFor(hooks, event.id, target, facts);
    const payload = event.payload as { slackChannels?: string[] };
    return chooseAddresses(hooks.routes, target, routing, facts, payload, fallback, carrying);
  }

  /**
   * After a silence or window closed: each address gets one summary of what was held for it that is still failing
   * (where its alert or error would have gone by this target's own routing), posted once in its turn.
   */
  maintenance(event: HubEvent<'silence.ended'>, delivery: DeliveryContext): Promise<CheckResult> {
    const { routing } = this.options;
    if (routing.kinds && !routing.kinds.includes('maintenance'))
      return Promise.resolve({ notify: false, summary: 'maintenance summaries are not sent to this target' });
    const { parts, dropped } = maintenanceParts(routing, event.payload);
    const roots = new Map(
      [...parts].map(([address, part]) => [address, this.provider.render.maintenance(event.payload, part)]),
    );
    const route = { addresses: [...roots.keys()], dropped };
    const root = (address: string) => ({ ...roots.get(address)!, application: null });
    return this.sender.postOnce(event, 'maintenance', 'summary', route, root, delivery);
  }

  /** Posted items are kept a day so a late retry cannot queue them again; then cleared (a schedule's work). */
  prune(): Promise<number> {
    return this.turns.prune();
  }

  private links(eventId: string): HubLinks {
    return { publicUrl: this.options.publicUrl, eventId };
  }

  /** The root as first posted, with the status line of every outcome so far, under the thread's lock. */
  private async updateRoot(eventId: string, thread: PostedRow): Promise<void> {
    const { render } = this.provider;
    await editTolerantly(
      this.provider,
      this.options.logger,
      'could not update the thread root',
      { eventId, address: thread.address },
      () =>
        this.store.withRootLock(eventId, thread.address, async (client) => {
          const outcomes = await this.store.outcomes(client, eventId);
          await this.provider.update(
            thread.addressId!,
            thread.postId!,
            render.withStatusLine(thread.message, render.statusLine(outcomes)),
          );
        }),
    );
  }
}
