import type { Deployment, ErrorReport, Recommendation } from '../../src/module-api.js';

/** The part of the config routing reads. */
export interface RoutingConfig {
  /** SLACK_CHANNEL_OVERRIDE: when set, every message goes here and nowhere else. */
  channelOverride: string[];
  /** SLACK_CHANNELS: always told about deployments; the fallback for errors without channels. */
  channels: string[];
  /** SLACK_ALLOWED_CHANNELS: when set, the channels a payload may name (names or `#team-*` patterns). */
  allowedChannels?: string[];
}

/** Where a message goes, and the channels the payload named that SLACK_ALLOWED_CHANNELS kept it out of. */
export interface Route {
  channels: string[];
  dropped: string[];
}

// Conversation ids (C…, G… private, D… direct) are passed through: a "#" in front would turn one into a name.
const CONVERSATION_ID = /^[CGD][A-Z0-9]{8,}$/;

/**
 * "team-x", "#team-x" and "#Team-X" are one channel to Slack; names go out as "#team-x" so that
 * de-duplication and the per-channel thread rows agree. Ids are kept as they are.
 */
export function normaliseChannel(value: string): string | null {
  const trimmed = value.trim();
  if (CONVERSATION_ID.test(trimmed)) return trimmed;
  const name = trimmed.replace(/^#+/, '').trim().toLowerCase();
  return name === '' || /\s/.test(name) ? null : `#${name}`;
}

/** Normalised, without empties and duplicates, first occurrence first. */
export function normaliseChannels(values: readonly string[]): string[] {
  const channels: string[] = [];
  for (const value of values) {
    const channel = normaliseChannel(value);
    if (channel && !channels.includes(channel)) channels.push(channel);
  }
  return channels;
}

/** SLACK_ALLOWED_CHANNELS entries: channel names normalised like channels, `*` and `?` kept as wildcards. */
export function normalisePatterns(values: readonly string[]): string[] {
  return normaliseChannels(values);
}

function patternMatches(pattern: string, channel: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === channel;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(channel);
}

/**
 * Keeps the channels SLACK_ALLOWED_CHANNELS allows (all of them when it is unset). The channels the operator
 * configured (SLACK_CHANNELS, SLACK_CHANNEL_OVERRIDE) are always allowed: the list is about what a payload names.
 */
export function allowChannels(config: RoutingConfig, channels: string[]): Route {
  const allowed = config.allowedChannels ?? [];
  if (allowed.length === 0) return { channels, dropped: [] };
  const trusted = new Set([...normaliseChannels(config.channels), ...normaliseChannels(config.channelOverride)]);
  const route: Route = { channels: [], dropped: [] };
  for (const channel of channels) {
    const ok = trusted.has(channel) || allowed.some((pattern) => patternMatches(pattern, channel));
    (ok ? route.channels : route.dropped).push(channel);
  }
  return route;
}

/** The original's rule: the override alone when set; else SLACK_CHANNELS plus the deployment's own channels. */
export function channelsForDeployment(config: RoutingConfig, deployment: Pick<Deployment, 'slackChannels'>): string[] {
  if (config.channelOverride.length > 0) return normaliseChannels(config.channelOverride);
  return normaliseChannels([...config.channels, ...deployment.slackChannels]);
}

/** Errors: the override; else the error's own channels; else SLACK_CHANNELS, so no error goes unseen. */
export function channelsForError(config: RoutingConfig, error: Pick<ErrorReport, 'slackChannels'>): string[] {
  if (config.channelOverride.length > 0) return normaliseChannels(config.channelOverride);
  const own = normaliseChannels(error.slackChannels);
  return own.length > 0 ? own : normaliseChannels(config.channels);
}

/** Recommendations are for one team: their own channels only (the override still wins). */
export function channelsForRecommendation(
  config: RoutingConfig,
  recommendation: Pick<Recommendation, 'slackChannels'>,
): string[] {
  if (config.channelOverride.length > 0) return normaliseChannels(config.channelOverride);
  return normaliseChannels(recommendation.slackChannels);
}
