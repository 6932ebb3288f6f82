import type { TeamsConfig } from './config.js';
import { cardRender, type Card, type DeliveryError, type NotifyProvider } from '../../src/module-api.js';
import type { AxiosInstance } from 'axios';

/**
 * Adaptive Cards render a Markdown subset in TextBlocks and facts: escaping emphasis and brackets keeps payload
 * text from becoming bold or a link (a link needs `[`; lists and headings are not rendered in cards).
 */
export function escapeTeams(text: string): string {
  return text.replace(/[\\`*_[\]~]/g, '\\$&');
}

const COLOR = { good: 'Good', warning: 'Warning', attention: 'Attention', neutral: 'Default' } as const;

/** The Workflows trigger's envelope around one Adaptive Card 1.5, full width: title, text, facts, status, links. */
export function teamsPayload(card: Card): Record<string, unknown> {
  const text = (value: string, extra: Record<string, unknown> = {}) => ({
    type: 'TextBlock',
    text: value,
    wrap: true,
    ...extra,
  });
  const body: unknown[] = [];
  if (card.title) body.push(text(card.title, { weight: 'Bolder', size: 'Medium', color: COLOR[card.tone] }));
  if (card.text) body.push(text(card.text));
  if (card.facts.length > 0)
    body.push({ type: 'FactSet', facts: card.facts.map((fact) => ({ title: fact.name, value: fact.value })) });
  if (card.status) body.push(text(card.status, { isSubtle: true, spacing: 'Medium' }));
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.5',
          msteams: { width: 'Full' },
          body,
          actions: card.links.map((link) => ({ type: 'Action.OpenUrl', title: link.title, url: link.url })),
        },
      },
    ],
  };
}

/**
 * Teams through a Workflows webhook: it can post a card and nothing else (no id comes back, no edits, no
 * threads), so outcomes are gathered into a follow-up card and floods go as digest cards. The layer decides.
 */
export function teamsProvider(config: TeamsConfig, http: AxiosInstance): NotifyProvider<Card> {
  return {
    name: 'teams',
    capabilities: {
      threads: false,
      edits: false,
      lookup: false,
      followUpMs: config.followUpMs,
      rateLimit: { intervalMs: config.paceMs, burst: 4, digestAfter: 3 },
    },
    words: { address: 'webhook', allowList: 'TEAMS_WEBHOOK_URL', noThreads: 'a Workflows webhook can only post' },
    post: async (_address, card) => {
      await http.post('', teamsPayload(card));
      return { addressId: null, postId: null };
    },
    update: () => Promise.reject(new Error('a Workflows webhook cannot update a card')),
    findPosted: () => Promise.resolve(null),
    idOf: () => null,
    lookUpId: () => Promise.resolve(null),
    // A refusal or a 429 means nothing was posted; after a 5xx or a timeout the flow may have run.
    answered: (error: DeliveryError) => error.status !== undefined && error.status < 500,
    isAuthFailure: (error: DeliveryError) => error.status === 401 || error.status === 403,
    // A card may be 28 KB in all: text is held well under it.
    render: cardRender(escapeTeams, 12_000),
  };
}
