import {
  addressesForDeployment,
  addressesForError,
  addressesForRecommendation,
  allowAddresses,
  type Deployment,
  type ErrorReport,
  type Recommendation,
  type TargetRouting,
} from '../../src/module-api.js';

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
export const CONVERSATION_ID = /^[CGD][A-Z0-9]{8,}$/;

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

/** The SLACK_* settings as the notification layer's routing of the `slack` target. */
export function slackRouting(config: RoutingConfig): TargetRouting {
  return {
    override: config.channelOverride,
    always: config.channels,
    allowed: config.allowedChannels ?? [],
    normalise: normaliseChannels,
  };
}

/**
 * Keeps the channels SLACK_ALLOWED_CHANNELS allows (all of them when it is unset). The channels the operator
 * configured (SLACK_CHANNELS, SLACK_CHANNEL_OVERRIDE) are always allowed: the list is about what a payload names.
 */
export function allowChannels(config: RoutingConfig, channels: string[]): Route {
  const route = allowAddresses(slackRouting(config), channels);
  return { channels: route.addresses, dropped: route.dropped };
}

/** The original's rule: the override alone when set; else SLACK_CHANNELS plus the deployment's own channels. */
export function channelsForDeployment(config: RoutingConfig, deployment: Pick<Deployment, 'slackChannels'>): string[] {
  return addressesForDeployment(slackRouting(config), deployment.slackChannels);
}

/** Errors: the override; else the error's own channels; else SLACK_CHANNELS, so no error goes unseen. */
export function channelsForError(config: RoutingConfig, error: Pick<ErrorReport, 'slackChannels'>): string[] {
  return addressesForError(slackRouting(config), error.slackChannels);
}

/** Recommendations are for one team: their own channels only (the override still wins). */
export function channelsForRecommendation(
  config: RoutingConfig,
  recommendation: Pick<Recommendation, 'slackChannels'>,
): string[] {
  return addressesForRecommendation(slackRouting(config), recommendation.slackChannels);
}
