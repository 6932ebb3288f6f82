import {
  alertLine,
  channelsForTransition,
  formatAlertMessage,
  formatAlertStatusLine,
  formatTransitionReply,
} from './alerts.js';
import { fitMessage, section, type SlackMessage } from './blocks.js';
import type { ChannelPoster, PostOutcome } from './channel-poster.js';
import { deferWaiting, throwFailures } from './channel-outcomes.js';
import type { SlackConfig } from './config.js';
import { deploymentLine, digestReplyLine, errorLine, recommendationLine } from './digest.js';
import { AUTH_ERRORS } from './errors.js';
import {
  formatDeploymentMessage,
  formatErrorMessage,
  formatOutcomeLine,
  formatRecommendationMessage,
  formatStatusLine,
  withStatusLine,
  type HubLinks,
} from './messages.js';
import {
  allowChannels,
  channelsForDeployment,
  channelsForError,
  channelsForRecommendation,
  type Route,
} from './routing.js';
import type { MessageKind, PostedRow, SlackStore } from './store.js';
import type { SlackTransport } from './transport.js';
import { weeklyPosts } from './weekly.js';
import { maintenancePosts } from './maintenance.js';
import {
  DeliveryDeferral,
  DeliveryError,
  type CheckResult,
  type DeliveryContext,
  type HubEvent,
  type Logger,
  type ModuleContext,
} from '../../src/module-api.js';

export interface NotifierDeps {
  /** This module's own delivery of an event (ModuleContext.ownDelivery). */
  ownDelivery: ModuleContext<unknown>['ownDelivery'];
  config: SlackConfig;
  transport: SlackTransport;
  store: SlackStore;
  poster: ChannelPoster;
  logger: Logger;
  publicUrl: string;
}

/** A message as posted on its own, its line in a digest, and the application it is about. */
type Root = { message: SlackMessage; line: string; application: string | null };

/** Our deliveries that may still post a root: until they end, a finished check waits for its thread. */
const UNFINISHED = new Set(['queued', 'in_progress', 'failed']);
const ROOT_RECHECK_MS = 300;
const ROOT_RETRY_MARGIN_MS = 500;

/** The module's behaviour: route, format, post (in the channel's turn, once per channel), thread and update. */
export class SlackNotifier {
  constructor(private readonly deps: NotifierDeps) {}

  async deployment(event: HubEvent<'deployment'>, delivery: DeliveryContext): Promise<CheckResult> {
    const links = this.links(event.id);
    const route = allowChannels(this.deps.config, channelsForDeployment(this.deps.config, event.payload));
    const root = {
      message: formatDeploymentMessage(event.payload, links),
      line: deploymentLine(event.payload, links),
      application: event.payload.applicationName,
    };
    return this.postOnce(event.id, 'deployment', route, root, delivery);
  }

  async error(event: HubEvent<'error'>, delivery: DeliveryContext): Promise<CheckResult> {
    const links = this.links(event.id);
    const route = allowChannels(this.deps.config, channelsForError(this.deps.config, event.payload));
    const root = {
      message: formatErrorMessage(event.payload, links),
      line: errorLine(event.payload, links),
      application: event.payload.applicationName,
    };
    return this.postOnce(event.id, 'error', route, root, delivery);
  }

  async recommendation(event: HubEvent<'recommendation'>, delivery: DeliveryContext): Promise<CheckResult> {
    const links = this.links(event.id);
    const route = allowChannels(this.deps.config, channelsForRecommendation(this.deps.config, event.payload));
    const root = {
      message: formatRecommendationMessage(event.payload, links),
      line: recommendationLine(event.payload, links),
      application: event.payload.applicationName,
    };
    return this.postOnce(event.id, 'recommendation', route, root, delivery);
  }

  /** Another module finished with a deployment: reply in its threads, then refresh each root's status line. */
  async checkFinished(event: HubEvent<'check.finished'>, delivery: DeliveryContext): Promise<CheckResult> {
    const finished = event.payload;
    const { transport, store } = this.deps;
    if (!transport.threads) return { notify: false, summary: 'no thread: posting through the incoming webhook' };
    if (finished.eventType !== 'deployment') return { notify: false, summary: 'no thread' };

    await this.waitForRoots(finished.eventId);
    const threads = await store.threads(finished.eventId);
    if (threads.length === 0) return { notify: false, summary: 'no thread' };

    await store.recordOutcome(finished.eventId, event.id, event.receivedAt, finished);
    const outcome = formatOutcomeLine(finished);
    await this.replyInThreads(threads, { rootEventId: finished.eventId, key: event.id }, delivery, {
      // A digest's thread is shared by every deployment in it: the reply says which one it is about.
      lineFor: (thread) => (thread.digest ? digestReplyLine(thread.application, outcome) : outcome),
      editRoot: (thread) =>
        this.updateRoot(finished.eventId, thread.channel, thread.channelId!, thread.ts!, thread.message),
    });
    return { notify: false, summary: `replied in ${threads.length} thread${threads.length === 1 ? '' : 's'}` };
  }

  /**
   * An inspection's or external check's alert state changed. An alert posts a root to its channels; an
   * escalation or recovery replies in that alert's thread and updates the root's status line ("recovered after
   * 12 min"). A transition with no thread (Slack turned on mid-alert) is posted as a root of its own.
   */
  async inspection(event: HubEvent<'inspection'>, delivery: DeliveryContext): Promise<CheckResult> {
    const t = event.payload;
    const { store, transport, config } = this.deps;
    const route = allowChannels(config, channelsForTransition(config, t));
    const alertEventId = t.transition === 'alert' ? null : await store.alertThread(t.key);
    const threads =
      alertEventId && transport.threads
        ? [...(await store.posted(alertEventId)).values()].filter((row) => row.ts && row.channelId)
        : [];
    if (threads.length === 0) {
      const message =
        t.transition === 'alert'
          ? formatAlertMessage(t)
          : fitMessage({ text: formatTransitionReply(t), blocks: [section(formatTransitionReply(t))] });
      const result = await this.postOnce(
        event.id,
        'alert',
        route,
        { message, line: alertLine(t), application: null },
        delivery,
      );
      if (t.transition !== 'recovered') await store.setAlertThread(t.key, event.id);
      return result;
    }
    const reply = formatTransitionReply(t);
    const statusLine = formatAlertStatusLine(t);
    await this.replyInThreads(threads, { rootEventId: alertEventId!, key: event.id }, delivery, {
      lineFor: () => reply,
      editRoot: (thread) =>
        this.editTolerantly('could not update the alert root', { key: t.key, channel: thread.channel }, () =>
          this.deps.transport.update(thread.channelId!, thread.ts!, withStatusLine(thread.message, statusLine)),
        ),
    });
    return {
      notify: false,
      summary: `${t.transition}: replied in ${threads.length} thread${threads.length === 1 ? '' : 's'}`,
    };
  }

  /** The core's weekly delivery insights: the overall summary to SLACK_CHANNELS, each team's to its channels. */
  async insightsWeekly(event: HubEvent<'insights.weekly'>, delivery: DeliveryContext): Promise<CheckResult> {
    const { posts, dropped } = weeklyPosts(this.deps.config, event.payload);
    const byChannel = new Map(posts.map((post) => [post.channel, post]));
    const route = { channels: posts.map((post) => post.channel), dropped };
    return this.postOnce(
      event.id,
      'summary',
      route,
      (channel) => ({ ...byChannel.get(channel)!, application: null }),
      delivery,
    );
  }

  /** A silence or window closed with things it held still failing: one summary per channel. */
  async silenceEnded(event: HubEvent<'silence.ended'>, delivery: DeliveryContext): Promise<CheckResult> {
    const { posts, dropped } = maintenancePosts(this.deps.config, event.payload);
    const byChannel = new Map(posts.map((post) => [post.channel, post]));
    const route = { channels: posts.map((post) => post.channel), dropped };
    return this.postOnce(
      event.id,
      'summary',
      route,
      (channel) => ({ ...byChannel.get(channel)!, application: null }),
      delivery,
    );
  }

  /**
   * Replies in each thread not yet replied to for `key`, each in its channel's turn, then edits the thread's
   * root (a digest is everyone's root: its text stays as posted). Failures and waits as for roots.
   */
  private async replyInThreads(
    threads: PostedRow[],
    ids: { rootEventId: string; key: string },
    delivery: DeliveryContext,
    how: { lineFor: (thread: PostedRow) => string; editRoot: (thread: PostedRow) => Promise<void> },
  ): Promise<void> {
    const replied = await this.deps.store.repliedChannels(ids.key);
    const results = await Promise.allSettled(
      threads.map(async (thread): Promise<PostOutcome> => {
        if (!replied.has(thread.channel)) {
          const line = how.lineFor(thread);
          const posted = await this.deps.poster.post(
            {
              channel: thread.channel,
              target: thread.channelId!,
              key: ids.key,
              kind: 'reply',
              eventId: ids.rootEventId,
              deliveryId: delivery.deliveryId,
              threadTs: thread.ts,
              message: fitMessage({ text: line, blocks: [section(line)] }),
              line,
              application: thread.application,
            },
            delivery,
          );
          if (posted.kind === 'wait') return posted;
        }
        if (!thread.digest) await how.editRoot(thread);
        return { kind: 'posted', digest: false };
      }),
    );
    throwFailures(
      results,
      threads.map((thread) => thread.channel),
      delivery.logger,
    );
    deferWaiting(results);
  }

  /**
   * A root that can no longer be edited (deleted, too old) is not worth failing the reply for: logged and left
   * as it is. Auth errors and anything retryable still fail the delivery.
   */
  private async editTolerantly(
    what: string,
    context: Record<string, unknown>,
    edit: () => Promise<void>,
  ): Promise<void> {
    try {
      await edit();
    } catch (error) {
      if (error instanceof DeliveryError && error.permanent && !AUTH_ERRORS.has(error.reason ?? '')) {
        this.deps.logger.warn(what, { ...context, reason: error.reason });
        return;
      }
      throw error;
    }
  }

  private links(eventId: string): HubLinks {
    return { publicUrl: this.deps.publicUrl, eventId };
  }

  /**
   * Posts the root to each channel not yet done for this event, side by side, each in its channel's turn.
   * A channel whose turn has not come makes the delivery wait (deferred: no worker held, no attempt used);
   * a retry or a later run skips the channels that have the message, alone or in a digest. `root` may differ
   * per channel (the weekly summary: a team's channel gets the team's figures).
   */
  private async postOnce(
    eventId: string,
    kind: MessageKind,
    route: Route,
    root: Root | ((channel: string) => Root),
    delivery: DeliveryContext,
  ): Promise<CheckResult> {
    const { channels, dropped } = route;
    if (dropped.length > 0) delivery.logger.warn('channels not in SLACK_ALLOWED_CHANNELS dropped', { dropped });
    const droppedNote = dropped.length > 0 ? `; dropped ${dropped.join(', ')} (not in SLACK_ALLOWED_CHANNELS)` : '';
    if (channels.length === 0)
      return { notify: false, summary: `no channel to post to${droppedNote}`, details: { channels, dropped } };
    const { store, poster } = this.deps;
    // A first attempt has posted nothing before (a deferred one may have queued its items, which its channel
    // turns find done); later ones skip the channels that have the message.
    const done = delivery.attempt > 1 ? await store.posted(eventId) : new Map<string, PostedRow>();
    const pending = channels.filter((channel) => !done.has(channel));
    const results = await Promise.allSettled(
      pending.map((channel) =>
        poster.post(
          {
            channel,
            target: channel,
            key: eventId,
            kind,
            eventId,
            deliveryId: delivery.deliveryId,
            threadTs: null,
            ...(typeof root === 'function' ? root(channel) : root),
          },
          delivery,
        ),
      ),
    );
    throwFailures(results, pending, delivery.logger);
    deferWaiting(results);
    const outcomes = new Map(pending.map((channel, index) => [channel, results[index]]));
    const digestOf = (channel: string) => {
      const outcome = outcomes.get(channel);
      return outcome?.status === 'fulfilled' && outcome.value.kind === 'posted'
        ? outcome.value.digest
        : (done.get(channel)?.digest ?? null);
    };
    // Read again only when another delivery posted one of ours and we do not know how.
    const unknown = channels.some((channel) => digestOf(channel) === null);
    const posted = unknown ? await store.posted(eventId) : null;
    const digested = channels.filter((channel) => (posted ? posted.get(channel)?.digest : digestOf(channel)));
    const digestNote = digested.length > 0 ? ` (in a digest in ${digested.join(', ')})` : '';
    return {
      notify: false,
      summary: `posted to ${channels.join(', ')}${digestNote}${droppedNote}`,
      details: { channels, alreadyPosted: channels.filter((channel) => done.has(channel)), digested, dropped },
    };
  }

  /**
   * The root message as first posted, with the status line of every outcome so far. A root that can no longer
   * be edited (deleted, too old) is not worth failing the reply for: logged and left as it is.
   */
  private async updateRoot(
    eventId: string,
    channel: string,
    channelId: string,
    ts: string,
    root: SlackMessage,
  ): Promise<void> {
    const { store, transport } = this.deps;
    await this.editTolerantly('could not update the thread root', { eventId, channel }, () =>
      store.withRootLock(eventId, channel, async (client) => {
        const outcomes = await store.outcomes(client, eventId);
        await transport.update(channelId, ts, withStatusLine(root, formatStatusLine(outcomes)));
      }),
    );
  }

  /**
   * A check can finish before our own delivery of the deployment has posted its roots: they run side by side,
   * and ours may be waiting for its channel's turn or out a 429. This delivery then waits too, deferred (no
   * worker held, no attempt used): just after the root's next run is due, or shortly while it runs.
   */
  private async waitForRoots(eventId: string): Promise<void> {
    const own = await this.deps.ownDelivery(eventId);
    if (!own || !UNFINISHED.has(own.status)) return;
    const dueIn =
      own.status !== 'in_progress' && own.nextAttemptAt ? Math.max(0, own.nextAttemptAt.getTime() - Date.now()) : 0;
    throw new DeliveryDeferral(
      dueIn + (dueIn > 0 ? ROOT_RETRY_MARGIN_MS : ROOT_RECHECK_MS),
      'the deployment message this outcome replies to',
    );
  }
}
