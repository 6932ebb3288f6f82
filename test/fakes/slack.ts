import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import type { Json } from '../support/json.js';

/** One request as the fake received it. `body` is decoded: form fields, with JSON-valued ones parsed. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  contentType: string;
  rawBody: string;
  body: Record<string, unknown>;
  /** What the fake answered. */
  status: number;
  answer: unknown;
  /** When it was answered (Date.now()). */
  at: number;
}

/** A message in the fake's memory: what Slack would show, with its replies and its latest edit. */
export interface FakeMessage {
  channelId: string;
  channelName: string;
  ts: string;
  threadTs: string | null;
  text: string;
  blocks: unknown[];
  /** Every chat.update applied, oldest first; `text`/`blocks` above are the latest. */
  edits: Array<{ text: string; blocks: unknown[] }>;
  /** The `metadata` the message was posted with (event_type, event_payload), if any. */
  metadata: { event_type: string; event_payload: Record<string, unknown> } | null;
}

/** Slack's per-channel limit on chat.postMessage: `burst` posts at once, then one per `intervalMs`. */
export interface FakeRateLimit {
  burst: number;
  intervalMs: number;
}

interface Scripted {
  remaining: number;
  method: string | null;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

// Slack's field limits: the fake refuses what Slack refuses, so a message that passes here fits there too.
const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
const MAX_FIELD_TEXT = 2000;
const MAX_TEXT = 40_000;

/**
 * A local stand-in for Slack's Web API (`/api/<method>`) and an incoming webhook (`/hooks/...`): a real
 * HTTP server on 127.0.0.1 and a free port. It answers like Slack (HTTP 200 with `ok: false` for refusals,
 * 429 with Retry-After when told to), records every request, and keeps the messages it accepted.
 */
export class FakeSlack {
  readonly requests: RecordedRequest[] = [];
  readonly messages: FakeMessage[] = [];
  private readonly server: http.Server;
  private readonly channelIds = new Map<string, string>();
  private readonly channelErrors = new Map<string, string>();
  private scripted: Scripted[] = [];
  private webhookScripted: Scripted[] = [];
  /** Posts to accept and then cut the connection on, so the caller cannot know they arrived. */
  private dropAnswers = 0;
  /** Accepted posts are answered this much later: a hub killed meanwhile never learns they arrived. */
  private answerDelayMs = 0;
  private lastTs = 0;
  /** Per channel id: the token bucket of chat.postMessage, when a rate limit is set. */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  private constructor(
    private readonly token: string,
    private readonly onRequest: ((request: RecordedRequest) => void) | undefined,
    private readonly rateLimit: FakeRateLimit | undefined,
  ) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  /**
   * `onRequest` sees each request as it is recorded (the README's manual walk-through prints them).
   * `rateLimit` makes chat.postMessage answer 429 with Retry-After past Slack's per-channel limit (Slack's
   * own: `{ burst: 3, intervalMs: 1000 }`); without it the fake never limits on its own.
   */
  static async start(
    options: {
      token?: string;
      port?: number;
      onRequest?: (request: RecordedRequest) => void;
      rateLimit?: FakeRateLimit;
    } = {},
  ): Promise<FakeSlack> {
    const fake = new FakeSlack(options.token ?? 'xoxb-fake-token', options.onRequest, options.rateLimit);
    fake.server.listen(options.port ?? 0, '127.0.0.1');
    await once(fake.server, 'listening');
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** What SLACK_API_BASE_URL should be. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** What SLACK_WEB_HOOK should be. */
  get webhookUrl(): string {
    return `http://127.0.0.1:${this.port}/hooks/services/T000/B000/fakehooksecret`;
  }

  /** Slack's id for a channel name ("#team-x" -> "C…"), stable for the fake's life. */
  channelId(name: string): string {
    const key = name.startsWith('#') ? name : `#${name}`;
    let id = this.channelIds.get(key);
    if (!id) {
      id = `C${String(this.channelIds.size + 1).padStart(8, '0')}`;
      this.channelIds.set(key, id);
    }
    return id;
  }

  /** Every later message to this channel (name or id) is refused with `ok: false, error`. */
  failChannel(channel: string, error: string): void {
    this.channelErrors.set(channel, error);
  }

  /** The next `count` Web API calls (of `method`, or any) answer 429 with this Retry-After. */
  rateLimitNext(count: number, retryAfterSeconds: number, method: string | null = null): void {
    this.scripted.push({
      remaining: count,
      method,
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: { ok: false, error: 'ratelimited' },
    });
  }

  /** The next `count` Web API calls (of `method`, or any) answer this HTTP status (a 503, say). */
  failNextWithStatus(count: number, status: number, method: string | null = null): void {
    this.scripted.push({ remaining: count, method, status, headers: {}, body: 'upstream trouble' });
  }

  /** The service is back: scripted answers not yet given (a long run of 503s, say) are dropped. */
  recover(): void {
    this.scripted = [];
    this.webhookScripted = [];
  }

  /** The next `count` Web API calls answer HTTP 200 with `ok: false` and this error. */
  refuseNext(count: number, error: string, method: string | null = null): void {
    this.scripted.push({ remaining: count, method, status: 200, headers: {}, body: { ok: false, error } });
  }

  /**
   * The next `count` chat.postMessage calls are accepted (the message is in the channel) but the connection is
   * cut before the answer: the caller's fate is unknown, as when a hub dies mid-call.
   */
  dropAnswerNext(count: number): void {
    this.dropAnswers += count;
  }

  /** From now on, accepted chat.postMessage calls are answered `ms` after the message is in the channel. */
  delayAnswers(ms: number): void {
    this.answerDelayMs = ms;
  }

  /** The next `count` webhook posts answer like Slack's webhooks do: a status and a plain-text code. */
  failWebhookNext(count: number, status: number, code: string, headers: Record<string, string> = {}): void {
    this.webhookScripted.push({ remaining: count, method: null, status, headers, body: code });
  }

  /** Recorded calls of one Web API method ("chat.postMessage") that the fake accepted. */
  calls(method: string): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.path === `/api/${method}` && (request.answer as { ok?: boolean })?.ok === true,
    );
  }

  /** Every recorded request to one Web API method, accepted or not. */
  attempts(method: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === `/api/${method}`);
  }

  /** chat.postMessage calls answered 429, by the rate limit or a script. */
  rateLimited(): RecordedRequest[] {
    return this.attempts('chat.postMessage').filter((request) => request.status === 429);
  }

  webhookPosts(): RecordedRequest[] {
    return this.requests.filter((request) => request.path.startsWith('/hooks/'));
  }

  /** Top-level messages in a channel (by name), oldest first. */
  roots(channel: string): FakeMessage[] {
    const id = this.channelId(channel);
    return this.messages.filter((message) => message.channelId === id && message.threadTs === null);
  }

  replies(root: FakeMessage): FakeMessage[] {
    return this.messages.filter((message) => message.channelId === root.channelId && message.threadTs === root.ts);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    const path = (req.url ?? '/').split('?')[0]!;
    const body = decodeBody(contentType, rawBody);

    const reply = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        contentType,
        rawBody,
        body,
        status,
        answer,
        at: Date.now(),
      };
      this.requests.push(recorded);
      this.onRequest?.(recorded);
      const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
      res.writeHead(status, {
        'content-type': typeof answer === 'string' ? 'text/plain' : 'application/json; charset=utf-8',
        ...headers,
      });
      res.end(text);
    };

    if (path.startsWith('/hooks/')) {
      const scripted = takeScripted(this.webhookScripted, null);
      if (scripted) return reply(scripted.status, scripted.body, scripted.headers);
      const channel = typeof body.channel === 'string' ? body.channel : null;
      const refusal = channel ? this.channelErrors.get(channel) : undefined;
      if (refusal) return reply(404, refusal);
      if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) return reply(400, 'no_text');
      return reply(200, 'ok');
    }

    const method = path.startsWith('/api/') ? path.slice('/api/'.length) : null;
    if (req.method !== 'POST' || method === null) return reply(404, { ok: false, error: 'unknown_method' });
    const scripted = takeScripted(this.scripted, method);
    if (scripted) return reply(scripted.status, scripted.body, scripted.headers);

    const auth = String(req.headers.authorization ?? '');
    if (auth === '') return reply(200, { ok: false, error: 'not_authed' });
    if (auth !== `Bearer ${this.token}`) return reply(200, { ok: false, error: 'invalid_auth' });

    switch (method) {
      case 'auth.test':
        return reply(200, {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake Team',
          user: 'alvares',
          team_id: 'T000',
          user_id: 'U000',
          bot_id: 'B000',
        });
      case 'chat.postMessage': {
        const answer = this.postMessage(body);
        if (answer.status === 429) {
          return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(answer.retryAfter) });
        }
        if (answer.ok === true && this.dropAnswers > 0) {
          this.dropAnswers -= 1;
          this.requests.push({
            method: req.method ?? '',
            path,
            headers: req.headers,
            contentType,
            rawBody,
            body,
            status: 0,
            answer,
            at: Date.now(),
          });
          res.socket?.destroy();
          return;
        }
        if (answer.ok === true && this.answerDelayMs > 0)
          await new Promise((resolve) => setTimeout(resolve, this.answerDelayMs));
        return reply(200, answer);
      }
      case 'chat.update':
        return reply(200, this.update(body));
      case 'conversations.history':
        return reply(200, this.history(body));
      case 'conversations.list':
        return reply(200, this.list(body));
      default:
        return reply(200, { ok: false, error: 'unknown_method' });
    }
  }

  private postMessage(body: Record<string, unknown>): Record<string, unknown> {
    const channel = typeof body.channel === 'string' ? body.channel : '';
    if (channel === '') return { ok: false, error: 'channel_not_found' };
    const name = this.nameOf(channel);
    const refusal = this.channelErrors.get(channel) ?? (name ? this.channelErrors.get(name) : undefined);
    if (refusal) return { ok: false, error: refusal };
    if (!name) return { ok: false, error: 'channel_not_found' };
    const invalid = checkContents(body);
    if (invalid) return { ok: false, error: invalid };
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : null;
    const id = this.channelId(name);
    const waitMs = this.takeToken(id);
    if (waitMs > 0) return { status: 429, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) };
    if (threadTs && !this.messages.some((message) => message.channelId === id && message.ts === threadTs)) {
      return { ok: false, error: 'thread_not_found' };
    }
    const metadata = body.metadata as FakeMessage['metadata'] | undefined;
    const message: FakeMessage = {
      channelId: id,
      channelName: name,
      ts: this.nextTs(),
      threadTs,
      text: typeof body.text === 'string' ? body.text : '',
      blocks: Array.isArray(body.blocks) ? body.blocks : [],
      edits: [],
      metadata:
        metadata && typeof metadata.event_type === 'string'
          ? { event_type: metadata.event_type, event_payload: metadata.event_payload ?? {} }
          : null,
    };
    this.messages.push(message);
    return { ok: true, channel: id, ts: message.ts, message: { type: 'message', text: message.text, ts: message.ts } };
  }

  private update(body: Record<string, unknown>): Record<string, unknown> {
    // Like Slack, chat.update wants the channel's id; a name is not found.
    const channel = typeof body.channel === 'string' ? body.channel : '';
    const message = this.messages.find((candidate) => candidate.channelId === channel && candidate.ts === body.ts);
    if (!message)
      return {
        ok: false,
        error: [...this.channelIds.values()].includes(channel) ? 'message_not_found' : 'channel_not_found',
      };
    const invalid = checkContents(body);
    if (invalid) return { ok: false, error: invalid };
    message.text = typeof body.text === 'string' ? body.text : '';
    message.blocks = Array.isArray(body.blocks) ? body.blocks : [];
    message.edits.push({ text: message.text, blocks: message.blocks });
    return { ok: true, channel, ts: message.ts, text: message.text };
  }

  /**
   * conversations.history as Slack answers it: the channel's id only (a name is channel_not_found), top-level
   * messages newest first, `oldest`/`latest` exclusive unless `inclusive`, `limit` (default 100, at most 999)
   * with a cursor while `has_more`, and `metadata` only with `include_all_metadata`.
   */
  private history(body: Record<string, unknown>): Record<string, unknown> {
    const channel = typeof body.channel === 'string' ? body.channel : '';
    if (![...this.channelIds.values()].includes(channel)) return { ok: false, error: 'channel_not_found' };
    const inclusive = isTrue(body.inclusive);
    const oldest = typeof body.oldest === 'string' ? Number(body.oldest) : 0;
    const latest = typeof body.latest === 'string' ? Number(body.latest) : Number.POSITIVE_INFINITY;
    const limit = Math.min(999, Math.max(1, Number(body.limit ?? 100) || 100));
    const before =
      typeof body.cursor === 'string' && body.cursor !== ''
        ? Buffer.from(body.cursor, 'base64')
            .toString('utf8')
            .replace(/^before:/, '')
        : null;
    const withMetadata = isTrue(body.include_all_metadata);
    const matching = this.messages
      .filter((message) => message.channelId === channel && message.threadTs === null)
      .filter((message) => {
        const ts = Number(message.ts);
        return (
          (inclusive ? ts >= oldest : ts > oldest) &&
          (inclusive ? ts <= latest : ts < latest) &&
          (before === null || ts < Number(before))
        );
      })
      .sort((a, b) => Number(b.ts) - Number(a.ts));
    const page = matching.slice(0, limit);
    const hasMore = matching.length > limit;
    return {
      ok: true,
      messages: page.map((message) => {
        const replies = this.replies(message);
        return {
          type: 'message',
          user: 'U000',
          bot_id: 'B000',
          text: message.text,
          blocks: message.blocks,
          ts: message.ts,
          ...(replies.length > 0 ? { thread_ts: message.ts, reply_count: replies.length } : {}),
          ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
        };
      }),
      has_more: hasMore,
      pin_count: 0,
      ...(hasMore
        ? { response_metadata: { next_cursor: Buffer.from(`before:${page.at(-1)!.ts}`).toString('base64') } }
        : {}),
    };
  }

  /** conversations.list: every channel the fake knows, in pages of `limit` (default 100). */
  private list(body: Record<string, unknown>): Record<string, unknown> {
    const all = [...this.channelIds.entries()].map(([name, id]) => ({
      id,
      name: name.slice(1),
      is_channel: true,
      is_archived: false,
    }));
    const limit = Math.min(1000, Math.max(1, Number(body.limit ?? 100) || 100));
    const start =
      typeof body.cursor === 'string' && body.cursor !== ''
        ? Number(
            Buffer.from(body.cursor, 'base64')
              .toString('utf8')
              .replace(/^offset:/, ''),
          )
        : 0;
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? Buffer.from(`offset:${start + limit}`).toString('base64') : '';
    return { ok: true, channels: page, response_metadata: { next_cursor: next } };
  }

  /** Milliseconds until the channel may post again; 0 when it may now (and the post is counted). */
  private takeToken(channelId: string): number {
    if (!this.rateLimit) return 0;
    const { burst, intervalMs } = this.rateLimit;
    const now = Date.now();
    const bucket = this.buckets.get(channelId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / intervalMs);
    bucket.at = now;
    this.buckets.set(channelId, bucket);
    if (bucket.tokens < 1) return (1 - bucket.tokens) * intervalMs;
    bucket.tokens -= 1;
    return 0;
  }

  /** Slack's ts: seconds.microseconds of the post, unique in the channel (here: across the fake). */
  private nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  /** "#team-x", "team-x" or a known id -> "#team-x"; an unknown id -> null. */
  private nameOf(channel: string): string | null {
    if (/^[CGD][A-Z0-9]{8,}$/.test(channel)) {
      for (const [name, id] of this.channelIds) if (id === channel) return name;
      return null;
    }
    return channel.startsWith('#') ? channel : `#${channel}`;
  }
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

function takeScripted(list: Scripted[], method: string | null): Scripted | null {
  const index = list.findIndex((entry) => entry.method === null || entry.method === method);
  if (index < 0) return null;
  const entry = list[index]!;
  entry.remaining -= 1;
  if (entry.remaining <= 0) list.splice(index, 1);
  return entry;
}

/** @slack/web-api sends form fields with objects JSON-encoded; webhooks get JSON. Both decode to one shape. */
function decodeBody(contentType: string, raw: string): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType === 'application/json') return JSON.parse(raw) as Record<string, unknown>;
  const form = parseQuery(raw);
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const text = Array.isArray(value) ? value[0] : value;
    body[key] =
      (key === 'blocks' || key === 'attachments' || key === 'metadata') && typeof text === 'string'
        ? JSON.parse(text)
        : text;
  }
  return body;
}

/**
 * The subset of Slack's validation that matters to us: a message must say something and fit (50 blocks, 3,000
 * characters a section's text, 2,000 a field and 10 fields, 10 elements a context block, 40,000 characters in
 * the text and in all the blocks' texts together, `msg_blocks_too_long`). Past any of them the whole message is
 * refused. Slack's own total for blocks is not documented and has been seen lower; 40,000 is the limit the hub
 * holds to.
 */
function checkContents(body: Record<string, unknown>): string | null {
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = Array.isArray(body.blocks) ? (body.blocks as Array<Record<string, Json>>) : null;
  if (text === '' && (!blocks || blocks.length === 0)) return 'no_text';
  if (text.length > MAX_TEXT) return 'msg_too_long';
  if (!blocks) return null;
  if (blocks.length > MAX_BLOCKS) return 'invalid_blocks';
  const texts = blocks.flatMap((block): unknown[] => [
    block.text?.text,
    ...(Array.isArray(block.fields) ? block.fields.map((field: { text?: unknown }) => field.text) : []),
    ...(Array.isArray(block.elements) ? block.elements.map((element: { text?: unknown }) => element.text) : []),
  ]);
  if (texts.reduce((sum: number, part) => sum + (typeof part === 'string' ? part.length : 0), 0) > MAX_TEXT)
    return 'msg_blocks_too_long';
  for (const block of blocks) {
    if (block.type === 'context' && Array.isArray(block.elements) && block.elements.length > 10)
      return 'invalid_blocks';
    if (block.type === 'section') {
      if (typeof block.text?.text === 'string' && block.text.text.length > MAX_SECTION_TEXT) return 'invalid_blocks';
      if (
        Array.isArray(block.fields) &&
        (block.fields.length > 10 ||
          block.fields.some((field: { text?: unknown }) => String(field.text).length > MAX_FIELD_TEXT))
      ) {
        return 'invalid_blocks';
      }
    }
  }
  return null;
}
