import type { DeliveryError } from '../errors.js';
import type { CheckFinished, HubEvent } from '../events/types.js';
import type { Deployment, ErrorReport, Recommendation } from '../events/enrich.js';
import type { MaintenancePart } from './maintenance.js';
import type { TemplateKind } from './templates.js';

/**
 * What a provider module (one chat or mail service) gives the notification layer. The layer decides what is
 * said to whom, when (pacing per address, digests under floods), in which thread, and exactly once; the
 * provider only knows how to post, update, reply and look up on its service, and how its messages look.
 *
 * `M` is the provider's message as its API takes it (Slack: text and blocks). The layer never looks inside: it
 * stores it as JSON, hands it back to `post` and `update`, and builds digests and status lines through `render`.
 */
export interface NotifyProvider<M = unknown> {
  /** The provider's name ("slack"): log lines, metrics labels and the default target's name. */
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  /** How the provider's words appear in delivery results ("channel", "SLACK_ALLOWED_CHANNELS"). */
  readonly words: ProviderWords;

  /** A root (`threadId` unset) or a reply in a thread. `metadata` rides along when `lookup` is declared. */
  post(address: string, message: M, options: { threadId?: string; metadata?: PostMetadata }): Promise<Posted>;
  /** Replaces a posted message (a thread root's status line). Only called when `edits` is declared. */
  update(addressId: string, postId: string, message: M): Promise<void>;
  /**
   * The newest top-level post at `addressId` since `oldest` (epoch seconds) carrying our metadata that
   * `match` accepts; null when there is none. Only called when `lookup` is declared.
   */
  findPosted(addressId: string, oldest: number, match: (metadata: PostMetadata) => boolean): Promise<Posted | null>;
  /** The service's id of an address it already speaks of by id (Slack: a conversation id), or null. */
  idOf(address: string): string | null;
  /** The service's id of an address by asking the service (Slack: conversations.list); null when unknown. */
  lookUpId(address: string): Promise<string | null>;
  /** The service answered and did not take the call (a refusal, a rate limit): no post happened. */
  answered(error: DeliveryError): boolean;
  /** The credentials themselves are refused: a failure no message-level tolerance may hide. */
  isAuthFailure(error: DeliveryError): boolean;

  readonly render: ProviderRender<M>;
}

export interface ProviderCapabilities {
  /**
   * Replies can go in a root's thread. Else outcomes update the root (with `edits`), go in a follow-up message
   * (with `followUpMs`), or are not posted at all.
   */
  threads: boolean;
  /** A posted root can be updated with a status line. */
  edits: boolean;
  /** Posts carry metadata that `findPosted` can read back: exactly once after a crash, not at least once. */
  lookup: boolean;
  /**
   * Without `threads` and `edits`, outcomes of a deployment are gathered this long (ms) and posted as one
   * follow-up message per address. Unset: outcomes are not posted.
   */
  followUpMs?: number;
  /** The service's per-address limit, kept by every replica together; `intervalMs: 0` paces nothing. */
  rateLimit: { intervalMs: number; burst: number; digestAfter: number };
}

export interface ProviderWords {
  /** "channel": what one address is called in summaries ("no channel to post to"). */
  address: string;
  /** The setting that keeps payload addresses out ("SLACK_ALLOWED_CHANNELS"). */
  allowList: string;
  /** Why there are no threads, when `threads` is false ("posting through the incoming webhook"). */
  noThreads: string;
}

/** Where a post landed: the service's address id and post id, or nulls when the service gave none back. */
export interface Posted {
  addressId: string | null;
  postId: string | null;
}

/** Which claim a post was made under; read back after a crash to adopt a post instead of sending it again. */
export interface PostMetadata {
  eventId: string;
  deliveryId: string;
  batchId: string;
}

export type RootKind = 'deployment' | 'error' | 'recommendation' | 'alert' | 'summary';

/** A root as posted alone, and its line should it go out in a digest. */
export interface Rendered<M> {
  message: M;
  line: string;
}

/** Links back to the hub from a message. */
export interface HubLinks {
  publicUrl: string;
  eventId: string;
}

type Transition = HubEvent<'inspection'>['payload'];
type Ended = HubEvent<'silence.ended'>['payload'];
type Weekly = HubEvent<'insights.weekly'>['payload'];

/** The provider's words for each kind of message: the default templates of its format, escaping included. */
export interface ProviderRender<M> {
  deployment(deployment: Deployment, links: HubLinks): Rendered<M>;
  error(error: ErrorReport, links: HubLinks): Rendered<M>;
  recommendation(recommendation: Recommendation, links: HubLinks): Rendered<M>;
  alert(transition: Transition): Rendered<M>;
  weeklyOverall(summary: Weekly): Rendered<M>;
  weeklyTeam(summary: Weekly, team: Weekly['teams'][number]): Rendered<M>;
  /**
   * One address's summary after a silence or window closed (`maintenance`): what it held for that address that is
   * still failing. The words are shared (maintenance.ts); the provider gives them its markup.
   */
  maintenance(ended: Ended, part: MaintenancePart): Rendered<M>;
  /** A transition posted as a reply in the alert's thread (or as a root when there is no thread). */
  transitionReply(transition: Transition): string;
  /** The alert root's status line after a transition. */
  alertStatusLine(transition: Transition): string;
  /** One finished check, as a reply line in the deployment's thread. */
  outcomeLine(finished: CheckFinished): string;
  /** A reply in a digest's thread names the application: the thread is shared. */
  digestReplyLine(application: string | null, line: string): string;
  /** The root's status line from every outcome so far. */
  statusLine(outcomes: readonly CheckFinished[]): string;
  /** The root as first posted with `statusLine` as its status (replacing an earlier one). */
  withStatusLine(root: M, statusLine: string): M;
  /** A message of one text (a reply, or what a stored template rendered), cut to the service's limits. */
  lineMessage(line: string): M;
  /**
   * The built-in words of each kind as a Liquid template (what `GET /api/v1/notify/templates` shows as the
   * default): rendered and given to `lineMessage`, each says what the kind's method above says.
   */
  templates: Readonly<Record<TemplateKind, string>>;
  /** Escapes text for the provider's format (Slack: `&`, `<`, `>`): every payload value a template shows. */
  escape(text: string): string;
  /** Several roots waiting for one address as one message. */
  digest(entries: readonly DigestEntry[]): M;
  /** Several replies waiting for one thread as one message. */
  combinedReply(lines: readonly string[]): M;
  /** How many of `lines`, from the first, fit one digest / one combined reply. */
  digestCapacity(lines: readonly string[]): number;
  replyCapacity(lines: readonly string[]): number;
}

export interface DigestEntry {
  kind: RootKind | 'reply';
  line: string;
  queuedAt: Date;
}
