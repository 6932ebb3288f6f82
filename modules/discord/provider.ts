import type { AxiosInstance } from 'axios';
import type { DiscordConfig } from './config.js';
import { cardRender, cut, DeliveryError, UpstreamError, type Card, type NotifyProvider } from '../../src/module-api.js';

/** Discord Markdown: payload text must not turn bold, a link, a heading, a quote, a spoiler or a mention. */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\`*_~|[\]<>#@]/g, '\\$&');
}

const COLOR = { good: 0x2eb67d, warning: 0xecb22e, attention: 0xe01e5a, neutral: 0x5865f2 } as const;

/** One embed within Discord's limits (title 256, description 4096, 25 fields of 256/1024, 6000 in all). */
export function discordBody(card: Card): Record<string, unknown> {
  const links = card.links.map((link) => `[${link.title}](${link.url})`).join(' · ');
  const description = [card.text, card.status ?? '', links].filter((part) => part !== '').join('\n\n');
  return {
    embeds: [
      {
        ...(card.title ? { title: cut(card.title, 256) } : {}),
        description: cut(description, 4096),
        color: COLOR[card.tone],
        fields: card.facts.slice(0, 25).map((fact) => ({
          name: cut(fact.name, 256),
          value: cut(fact.value, 1024),
          inline: true,
        })),
      },
    ],
    // Nothing a payload says may ping anyone.
    allowed_mentions: { parse: [] },
  };
}

/** Discord answers a 429 with `retry_after` (seconds) in its body, and mostly a Retry-After header too. */
function discordError(error: unknown): unknown {
  if (!(error instanceof UpstreamError) || error.status !== 429) return error;
  let bodySeconds: number;
  try {
    bodySeconds = Number((JSON.parse(error.body ?? '{}') as { retry_after?: unknown }).retry_after) || 0;
  } catch {
    bodySeconds = 0;
  }
  const retryAfterMs = Math.max(error.retryAfterMs ?? 0, Math.ceil(bodySeconds * 1000));
  return new DeliveryError(error.message, {
    status: 429,
    code: 'HUB_ERR_RATE_LIMITED',
    reason: 'rate_limited',
    ...(retryAfterMs > 0 ? { retryAfterMs } : {}),
  });
}

/**
 * Discord through a channel webhook: a post with `?wait=true` answers the message, whose id lets the root be
 * edited (`PATCH .../messages/{id}`) with every outcome's status line. Webhooks cannot reply in a thread of an
 * ordinary channel, so escalations and recoveries are messages of their own.
 */
export function discordProvider(config: DiscordConfig, http: AxiosInstance): NotifyProvider<Card> {
  const url = (path: string, query: Record<string, string> = {}) => {
    const target = new URL(config.webhookUrl!);
    target.pathname = `${target.pathname.replace(/\/$/, '')}${path}`;
    for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
    return target.toString();
  };
  return {
    name: 'discord',
    capabilities: {
      threads: false,
      edits: true,
      lookup: false,
      rateLimit: { intervalMs: config.paceMs, burst: 5, digestAfter: 3 },
    },
    words: { address: 'webhook', allowList: 'DISCORD_WEBHOOK_URL', noThreads: 'a webhook posts to its channel' },
    post: async (_address, card) => {
      try {
        const answer = await http.post<{ id: string; channel_id: string }>(
          url('', { wait: 'true' }),
          discordBody(card),
        );
        return { addressId: answer.data.channel_id, postId: answer.data.id };
      } catch (error) {
        throw discordError(error);
      }
    },
    update: async (_addressId, postId, card) => {
      try {
        await http.patch(url(`/messages/${encodeURIComponent(postId)}`), discordBody(card));
      } catch (error) {
        throw discordError(error);
      }
    },
    findPosted: () => Promise.resolve(null),
    idOf: () => null,
    lookUpId: () => Promise.resolve(null),
    answered: (error: DeliveryError) => error.status !== undefined && error.status < 500,
    // 401/403: a bad token; 404 with code 10015: the webhook was deleted (10008, a deleted message, is not).
    isAuthFailure: (error: DeliveryError) =>
      error.status === 401 ||
      error.status === 403 ||
      (error instanceof UpstreamError && error.status === 404 && (error.body ?? '').includes('10015')),
    render: cardRender(escapeDiscord, 3500),
  };
}
