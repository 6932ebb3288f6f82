import type { Deployment, ErrorReport, Recommendation } from '../../src/module-api.js';

/** The part of the config routing reads. */
export interface RoutingConfig {
  /** SLACK_CHANNEL_OVERRIDE: when set, every message goes here and nowhere else. */
  channelOverride: string[];
  /** SLACK_CHANNELS: always told about deployments; the fallback for errors without channels. */
  channels: string[];
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
export function channelsForRecommendation(config: RoutingConfig, recommendation: Pick<Recommendation, 'slackChannels'>): string[] {
  if (config.channelOverride.length > 0) return normaliseChannels(config.channelOverride);
  return normaliseChannels(recommendation.slackChannels);
}
