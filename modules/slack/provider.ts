import { alertLine, formatAlertMessage, formatAlertStatusLine, formatTransitionReply } from './alerts.js';
import { textMessage, type SlackMessage } from './blocks.js';
import type { SlackConfig } from './config.js';
import {
  deploymentLine,
  digestCapacity,
  digestReplyLine,
  errorLine,
  formatCombinedReply,
  formatDigest,
  recommendationLine,
  replyCapacity,
} from './digest.js';
import { AUTH_ERRORS, slackAnswered } from './errors.js';
import { maintenanceMessage } from './maintenance.js';
import { escapeText } from './mrkdwn.js';
import {
  formatDeploymentMessage,
  formatErrorMessage,
  formatOutcomeLine,
  formatRecommendationMessage,
  formatStatusLine,
  withStatusLine,
} from './messages.js';
import { CONVERSATION_ID } from './routing.js';
import { SLACK_TEMPLATES } from './templates.js';
import { METADATA_EVENT_TYPE, type SlackTransport } from './transport.js';
import { weeklyOverall, weeklyTeam } from './weekly.js';
import type { DeliveryError, NotifyProvider, PostMetadata, Posted, ProviderRender } from '../../src/module-api.js';

/** Slack's messages for every kind the notification layer sends: Block Kit, every payload text escaped. */
export const SLACK_RENDER: ProviderRender<SlackMessage> = {
  deployment: (deployment, links) => ({
    message: formatDeploymentMessage(deployment, links),
    line: deploymentLine(deployment, links),
  }),
  error: (error, links) => ({ message: formatErrorMessage(error, links), line: errorLine(error, links) }),
  maintenance: (ended, part) => maintenanceMessage(ended, part),
  recommendation: (recommendation, links) => ({
    message: formatRecommendationMessage(recommendation, links),
    line: recommendationLine(recommendation, links),
  }),
  alert: (transition) => ({ message: formatAlertMessage(transition), line: alertLine(transition) }),
  weeklyOverall,
  weeklyTeam,
  transitionReply: formatTransitionReply,
  alertStatusLine: formatAlertStatusLine,
  outcomeLine: formatOutcomeLine,
  digestReplyLine,
  statusLine: formatStatusLine,
  withStatusLine,
  lineMessage: textMessage,
  templates: SLACK_TEMPLATES,
  escape: escapeText,
  digest: (entries) => formatDigest(entries),
  combinedReply: formatCombinedReply,
  digestCapacity,
  replyCapacity,
};

/**
 * Slack as a provider of the notification layer: how to post, update and look up through the Web API (or an
 * incoming webhook, which can only post), what Slack's answers mean, and its per-channel rate limit.
 */
export function slackProvider(config: SlackConfig, transport: SlackTransport): NotifyProvider<SlackMessage> {
  return {
    name: 'slack',
    capabilities: {
      threads: transport.threads,
      edits: transport.threads,
      lookup: transport.history,
      rateLimit: { intervalMs: config.paceMs, burst: config.burst, digestAfter: config.digestAfter },
    },
    words: {
      address: 'channel',
      allowList: 'SLACK_ALLOWED_CHANNELS',
      noThreads: 'posting through the incoming webhook',
    },
    post: async (address, message, options): Promise<Posted> => {
      const metadata = options.metadata
        ? { event_type: METADATA_EVENT_TYPE, event_payload: options.metadata }
        : undefined;
      const posted = await transport.post(address, message, options.threadId, metadata);
      return { addressId: posted.channelId, postId: posted.ts };
    },
    update: (addressId, postId, message) => transport.update(addressId, postId, message),
    findPosted: async (addressId, oldest, match) => {
      const found = await transport.findPosted(addressId, oldest, (payload) =>
        match(payload as unknown as PostMetadata),
      );
      return found ? { addressId: found.channelId, postId: found.ts } : null;
    },
    idOf: (address) => (CONVERSATION_ID.test(address) ? address : null),
    lookUpId: (address) => transport.channelIdOf(address),
    answered: (error: DeliveryError) => slackAnswered(error),
    isAuthFailure: (error: DeliveryError) => AUTH_ERRORS.has(error.reason ?? ''),
    render: SLACK_RENDER,
  };
}
