import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { AxiosInstance } from 'axios';
import type { SlackMessage } from './blocks.js';
import { toDeliveryError, toWebhookDeliveryError } from './errors.js';
import type { Logger } from '../../src/module-api.js';

/** Where a posted message landed: Slack's channel id and ts, or nulls when a webhook gave no answer to keep. */
export interface Posted {
  channelId: string | null;
  ts: string | null;
}

/** Slack message metadata: which event and delivery a post was made for, so a retry can find it. */
export interface PostMetadata {
  event_type: typeof METADATA_EVENT_TYPE;
  event_payload: { eventId: string; deliveryId: string; batchId: string };
}

export const METADATA_EVENT_TYPE = 'alvares_delivery' as const;

/** How messages reach Slack. Failures are thrown as DeliveryError, already classified. */
export interface SlackTransport {
  /** Only the Web API can reply in threads and update messages. */
  readonly threads: boolean;
  /** Only the Web API can read a channel back (conversations.history) to find an earlier post. */
  readonly history: boolean;
  post(channel: string, message: SlackMessage, threadTs?: string, metadata?: PostMetadata): Promise<Posted>;
  /**
   * The newest top-level message in the channel (an id) since `oldest` (seconds) whose metadata is ours and
   * matches; null when there is none.
   */
  findPosted(
    channelId: string,
    oldest: number,
    match: (payload: Record<string, unknown>) => boolean,
  ): Promise<Posted | null>;
  /** Slack's id of a channel name (conversations.list), null when no channel has that name. */
  channelIdOf(name: string): Promise<string | null>;
  update(channelId: string, ts: string, message: SlackMessage): Promise<void>;
  /** Who the token belongs to, for one log line at start. */
  identify(): Promise<string | null>;
}

const CALL_TIMEOUT_MS = 10_000;
/** Pages of history read while looking for an earlier post; a flood channel holds a few hundred messages a minute. */
const HISTORY_PAGE = 200;
const HISTORY_MAX_PAGES = 25;

/** The Web API with a bot token. */
export class WebApiTransport implements SlackTransport {
  readonly threads = true;
  readonly history = true;
  private readonly client: WebClient;

  constructor(options: { token: string; apiBaseUrl: string; logger: Logger }) {
    this.client = new WebClient(options.token, {
      slackApiUrl: options.apiBaseUrl,
      // Retries belong to the delivery engine (durable, visible, Retry-After honoured across restarts);
      // the client's own would hide them and hold a worker for up to half an hour.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: CALL_TIMEOUT_MS,
      logger: slackLogger(options.logger),
    });
  }

  async post(channel: string, message: SlackMessage, threadTs?: string, metadata?: PostMetadata): Promise<Posted> {
    try {
      const answer = await this.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        // Our links point at the hub and the apps; previews of them would bury the message.
        unfurl_links: false,
        unfurl_media: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(metadata ? { metadata } : {}),
      });
      return { channelId: answer.channel ?? null, ts: answer.ts ?? null };
    } catch (error) {
      throw toDeliveryError(
        error,
        threadTs ? `chat.postMessage (reply) to ${channel}` : `chat.postMessage to ${channel}`,
      );
    }
  }

  async findPosted(
    channelId: string,
    oldest: number,
    match: (payload: Record<string, unknown>) => boolean,
  ): Promise<Posted | null> {
    let cursor: string | undefined;
    try {
      for (let page = 0; page < HISTORY_MAX_PAGES; page += 1) {
        const answer = await this.client.conversations.history({
          channel: channelId,
          oldest: oldest.toFixed(6),
          include_all_metadata: true,
          limit: HISTORY_PAGE,
          ...(cursor ? { cursor } : {}),
        });
        for (const message of answer.messages ?? []) {
          const metadata = message.metadata;
          if (metadata?.event_type === METADATA_EVENT_TYPE && metadata.event_payload && match(metadata.event_payload)) {
            return { channelId, ts: message.ts ?? null };
          }
        }
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!answer.has_more || !cursor) return null;
      }
      return null;
    } catch (error) {
      throw toDeliveryError(error, `conversations.history of ${channelId}`);
    }
  }

  async channelIdOf(name: string): Promise<string | null> {
    const wanted = name.replace(/^#/, '');
    let cursor: string | undefined;
    try {
      for (let page = 0; page < HISTORY_MAX_PAGES; page += 1) {
        const answer = await this.client.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        const found = answer.channels?.find((channel) => channel.name === wanted);
        if (found?.id) return found.id;
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!cursor) return null;
      }
      return null;
    } catch (error) {
      throw toDeliveryError(error, `conversations.list looking for ${name}`);
    }
  }

  async update(channelId: string, ts: string, message: SlackMessage): Promise<void> {
    try {
      await this.client.chat.update({ channel: channelId, ts, text: message.text, blocks: message.blocks });
    } catch (error) {
      throw toDeliveryError(error, `chat.update in ${channelId}`);
    }
  }

  async identify(): Promise<string | null> {
    try {
      const answer = await this.client.auth.test();
      return `${answer.user ?? '?'} in ${answer.team ?? '?'}`;
    } catch (error) {
      throw toDeliveryError(error, 'auth.test');
    }
  }
}

/**
 * An incoming webhook, as the original posted. Legacy webhooks honour `channel`; app webhooks post to
 * their own channel whatever it says. No ts comes back, so there are no threads or updates.
 */
export class WebhookTransport implements SlackTransport {
  readonly threads = false;
  readonly history = false;

  constructor(private readonly http: AxiosInstance) {}

  async post(channel: string, message: SlackMessage): Promise<Posted> {
    try {
      await this.http.post('', {
        channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
      return { channelId: null, ts: null };
    } catch (error) {
      throw toWebhookDeliveryError(error, `the message to ${channel}`);
    }
  }

  update(): Promise<void> {
    return Promise.reject(new Error('an incoming webhook cannot update messages'));
  }

  findPosted(): Promise<Posted | null> {
    return Promise.resolve(null);
  }

  channelIdOf(): Promise<string | null> {
    return Promise.resolve(null);
  }

  identify(): Promise<string | null> {
    return Promise.resolve(null);
  }
}

/**
 * @slack/web-api logs to the console unless given a logger; its lines go through ours (and its redaction). It
 * logs several debug lines per call: with debug off they are dropped here, before any line or log entry is made.
 */
function slackLogger(logger: Logger): SlackLogger {
  const line = (...parts: unknown[]) =>
    parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  const debug = (...parts: unknown[]) => {
    if (logger.isDebugEnabled()) logger.debug(line(...parts), { source: '@slack/web-api' });
  };
  return {
    debug,
    info: debug,
    warn: (...parts: unknown[]) => logger.warn(line(...parts), { source: '@slack/web-api' }),
    error: (...parts: unknown[]) => logger.error(line(...parts), { source: '@slack/web-api' }),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
}
