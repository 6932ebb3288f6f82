import type { SlackMessage } from './blocks.js';
import type { SlackConfig } from './config.js';
import { AUTH_ERRORS } from './errors.js';
import {
  formatDeploymentMessage,
  formatErrorMessage,
  formatOutcomeReply,
  formatRecommendationMessage,
  formatStatusLine,
  withStatusLine,
  type HubLinks,
} from './messages.js';
import type { ChannelPacer } from './pacer.js';
import { channelsForDeployment, channelsForError, channelsForRecommendation } from './routing.js';
import type { MessageKind, SlackStore } from './store.js';
import type { SlackTransport } from './transport.js';
import { DeliveryError, type CheckResult, type DeliveryContext, type HubEvent, type Logger, type ModuleContext } from '../../src/module-api.js';

export interface NotifierDeps {
  /** This module's own delivery of an event (ModuleContext.ownDelivery). */
  ownDelivery: ModuleContext<unknown>['ownDelivery'];
  config: SlackConfig;
  transport: SlackTransport;
  store: SlackStore;
  pacer: ChannelPacer;
  logger: Logger;
  publicUrl: string;
}

/** Our deliveries that may still post a root: until they end, a finished check waits for its thread. */
const UNFINISHED = new Set(['queued', 'in_progress', 'failed']);
const ROOT_POLL_MS = 100;
const ROOT_POLL_LIMIT_MS = 2000;
const ROOT_RETRY_MARGIN_MS = 1000;

/** The module's behaviour: route, format, post (paced, once per channel), thread and update. */
export class SlackNotifier {
  constructor(private readonly deps: NotifierDeps) {}

  async deployment(event: HubEvent<'deployment'>, delivery: DeliveryContext): Promise<CheckResult> {
    const message = formatDeploymentMessage(event.payload, this.links(event.id));
    return this.postOnce(event.id, 'deployment', channelsForDeployment(this.deps.config, event.payload), message, delivery);
  }

  async error(event: HubEvent<'error'>, delivery: DeliveryContext): Promise<CheckResult> {
    const message = formatErrorMessage(event.payload, this.links(event.id));
    return this.postOnce(event.id, 'error', channelsForError(this.deps.config, event.payload), message, delivery);
  }

  async recommendation(event: HubEvent<'recommendation'>, delivery: DeliveryContext): Promise<CheckResult> {
    const message = formatRecommendationMessage(event.payload, this.links(event.id));
    return this.postOnce(event.id, 'recommendation', channelsForRecommendation(this.deps.config, event.payload), message, delivery);
  }

  /** Another module finished with a deployment: reply in its threads, then refresh each root's status line. */
  async checkFinished(event: HubEvent<'check.finished'>, delivery: DeliveryContext): Promise<CheckResult> {
    const finished = event.payload;
    const { transport, store } = this.deps;
    if (!transport.threads) return { notify: false, summary: 'no thread: posting through the incoming webhook' };
    if (finished.eventType !== 'deployment') return { notify: false, summary: 'no thread' };

    await this.waitForRoots(finished.eventId, delivery.signal);
    const threads = await store.threads(finished.eventId);
    if (threads.length === 0) return { notify: false, summary: 'no thread' };

    await store.recordOutcome(finished.eventId, event.id, event.receivedAt, finished);
    const replied = await store.repliedChannels(event.id);
    const reply = formatOutcomeReply(finished);
    const results = await Promise.allSettled(
      threads.map((thread) =>
        this.deps.pacer.run(
          thread.channel,
          async () => {
            if (!replied.has(thread.channel)) {
              const posted = await transport.post(thread.channelId!, reply, thread.ts!);
              await store.recordReply(event.id, finished.eventId, thread.channel, posted.ts);
            }
            await this.updateRoot(finished.eventId, thread.channel, thread.channelId!, thread.ts!, thread.message);
          },
          delivery.signal,
        ),
      ),
    );
    this.throwFailures(results, threads.map((thread) => thread.channel), delivery.logger);
    return { notify: false, summary: `replied in ${threads.length} thread${threads.length === 1 ? '' : 's'}` };
  }

  private links(eventId: string): HubLinks {
    return { publicUrl: this.deps.publicUrl, eventId };
  }

  /**
   * Posts `message` to each channel not yet done for this event. Channels run side by side, each in its own
   * paced turn; a retry of the delivery skips channels that already have the message.
   */
  private async postOnce(
    eventId: string,
    kind: MessageKind,
    channels: string[],
    message: SlackMessage,
    delivery: DeliveryContext,
  ): Promise<CheckResult> {
    if (channels.length === 0) return { notify: false, summary: 'no channel to post to' };
    const { store, transport, pacer } = this.deps;
    const done = await store.posted(eventId);
    const pending = channels.filter((channel) => !done.has(channel));
    const results = await Promise.allSettled(
      pending.map((channel) =>
        pacer.run(
          channel,
          async () => {
            const posted = await transport.post(channel, message);
            await store.recordPosted(eventId, { channel, kind, channelId: posted.channelId, ts: posted.ts, message });
          },
          delivery.signal,
        ),
      ),
    );
    this.throwFailures(results, pending, delivery.logger);
    return {
      notify: false,
      summary: `posted to ${channels.join(', ')}`,
      details: { channels, alreadyPosted: channels.filter((channel) => done.has(channel)) },
    };
  }

  /**
   * The root message as first posted, with the status line of every outcome so far. A root that can no longer
   * be edited (deleted, too old) is not worth failing the reply for: logged and left as it is.
   */
  private async updateRoot(eventId: string, channel: string, channelId: string, ts: string, root: SlackMessage): Promise<void> {
    const { store, transport } = this.deps;
    try {
      await store.withRootLock(eventId, channel, async (client) => {
        const outcomes = await store.outcomes(client, eventId);
        await transport.update(channelId, ts, withStatusLine(root, formatStatusLine(outcomes)));
      });
    } catch (error) {
      if (error instanceof DeliveryError && error.permanent && !AUTH_ERRORS.has(error.reason ?? '')) {
        this.deps.logger.warn('could not update the thread root', { eventId, channel, reason: error.reason });
        return;
      }
      throw error;
    }
  }

  /**
   * A check can finish before our own delivery of the deployment has posted its roots: they run side by side,
   * and ours may be waiting out a 429. A delivery that is running usually ends within moments, so wait a
   * little here; one that waits for a retry (or runs long) makes this delivery retry just after it is due.
   */
  private async waitForRoots(eventId: string, signal: AbortSignal): Promise<void> {
    const until = Date.now() + ROOT_POLL_LIMIT_MS;
    for (;;) {
      const own = await this.deps.ownDelivery(eventId);
      if (!own || !UNFINISHED.has(own.status)) return;
      const waitingForRetry = own.status === 'failed';
      if (waitingForRetry || Date.now() >= until || signal.aborted) {
        const dueIn = own.nextAttemptAt ? Math.max(0, own.nextAttemptAt.getTime() - Date.now()) : 0;
        throw new DeliveryError('waiting for the deployment message this outcome replies to', {
          code: 'HUB_ERR_WAITING',
          reason: 'SLACK_ROOT_PENDING',
          retryAfterMs: dueIn + ROOT_RETRY_MARGIN_MS,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, ROOT_POLL_MS));
    }
  }

  /**
   * One channel's failure does not stop the others. Afterwards: anything retryable makes the delivery retry
   * (done channels are skipped next time); only permanent failures left means the delivery is dead.
   */
  private throwFailures(results: PromiseSettledResult<unknown>[], channels: string[], logger: Logger): void {
    const failures: Array<{ channel: string; error: DeliveryError }> = [];
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') return;
      const error = result.reason instanceof DeliveryError ? result.reason : new DeliveryError(String((result.reason as Error)?.message ?? result.reason));
      failures.push({ channel: channels[index]!, error });
    });
    if (failures.length === 0) return;
    for (const { channel, error } of failures) {
      logger.warn('slack call failed', { channel, code: error.code, reason: error.reason, permanent: error.permanent, error: error.message });
    }
    if (failures.length === 1) throw failures[0]!.error;
    const retryable = failures.filter(({ error }) => !error.permanent);
    const leading = (retryable[0] ?? failures[0]!).error;
    const retryAfter = Math.max(0, ...retryable.map(({ error }) => error.retryAfterMs ?? 0));
    throw new DeliveryError(`${failures.length} of ${channels.length} channels failed: ${failures.map(({ error }) => error.message).join('; ')}`, {
      permanent: retryable.length === 0,
      code: leading.code,
      reason: leading.reason,
      status: leading.status,
      ...(retryAfter > 0 ? { retryAfterMs: retryAfter } : {}),
    });
  }
}

