import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message in the fake's channel, as the webhook last left it. */
export interface DiscordMessage {
  id: string;
  channel_id: string;
  embeds: Array<{
    title?: string;
    description?: string;
    color?: number;
    fields?: Array<{ name: string; value: string }>;
  }>;
  allowed_mentions: unknown;
  /** How many times it was edited. */
  edits: number;
  text: string;
}

type Scripted = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };

const WEBHOOK_ID = '112233445566778899';
const TOKEN = 'fake-discord-webhook-token';
const CHANNEL = '998877665544332211';

/**
 * Discord's webhook API on 127.0.0.1: Execute Webhook (`POST /api/webhooks/{id}/{token}`, 204 without
 * `?wait=true`, the message object with it) and Edit Webhook Message (`PATCH .../messages/{id}`). Like Discord it
 * answers 401 `{code: 50027}` for a wrong token, 404 `{code: 10008}` for an unknown message, 400 `{code: 50035}`
 * past the embed limits (title 256, description 4096, 25 fields of 256/1024, 6000 in all, 10 embeds), and 429 past
 * 5 requests per 2 s with `{"retry_after": seconds, "global": false}`, `Retry-After` and `X-RateLimit-*` headers.
 * Scripted answers (a 5xx, a 429, a slow answer) take the next calls' place.
 */
export class FakeDiscord {
  readonly messages = new Map<string, DiscordMessage>();
  readonly requests: Array<{ method: string; path: string; query: string; status: number }> = [];
  private scripted: Scripted[] = [];
  private recent: number[] = [];
  private nextId = 1_000_000_000_000_000_000n;

  private constructor(
    private readonly server: http.Server,
    readonly webhookUrl: string,
  ) {}

  static async start(): Promise<FakeDiscord> {
    let fake: FakeDiscord | null = null;
    const server = http.createServer((req, res) => void fake!.handle(req, res));
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeDiscord(server, `http://127.0.0.1:${port}/api/webhooks/${WEBHOOK_ID}/${TOKEN}`);
    return fake;
  }

  failNext(times: number, answer: Scripted): void {
    for (let i = 0; i < times; i += 1) this.scripted.push(answer);
  }

  with(text: string): DiscordMessage[] {
    return [...this.messages.values()].filter((message) => message.text.includes(text));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.search, status });
      res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const scripted = this.scripted.shift();
    if (scripted) {
      if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
      if (res.destroyed) return;
      return answer(scripted.status, scripted.body, scripted.headers);
    }
    const match = /^\/api\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(\d+))?$/.exec(url.pathname);
    if (!match || match[1] !== WEBHOOK_ID) return answer(404, { message: 'Unknown Webhook', code: 10015 });
    if (match[2] !== TOKEN) return answer(401, { message: 'Invalid Webhook Token', code: 50027 });
    const now = Date.now();
    this.recent = this.recent.filter((at) => now - at < 2000);
    if (this.recent.length >= 5) {
      const resetAfter = (2000 - (now - this.recent[0]!)) / 1000;
      return answer(
        429,
        { message: 'You are being rate limited.', retry_after: resetAfter, global: false },
        {
          'retry-after': String(Math.ceil(resetAfter)),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': resetAfter.toFixed(3),
          'x-ratelimit-scope': 'user',
        },
      );
    }
    this.recent.push(now);
    let body: { embeds?: DiscordMessage['embeds']; allowed_mentions?: unknown; content?: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return answer(400, { message: 'Cannot send an empty message', code: 50006 });
    }
    if (this.tooLarge(body.embeds ?? [])) return answer(400, { message: 'Invalid Form Body', code: 50035 });
    const messageId = match[3];
    if (req.method === 'PATCH' && messageId) {
      const message = this.messages.get(messageId);
      if (!message) return answer(404, { message: 'Unknown Message', code: 10008 });
      Object.assign(message, {
        embeds: body.embeds ?? [],
        edits: message.edits + 1,
        text: JSON.stringify(body.embeds),
      });
      return answer(200, message);
    }
    if (req.method !== 'POST' || messageId) return answer(405, { message: '405: Method Not Allowed', code: 0 });
    if (!body.content && (body.embeds ?? []).length === 0)
      return answer(400, { message: 'Cannot send an empty message', code: 50006 });
    const id = String(this.nextId++);
    const message: DiscordMessage = {
      id,
      channel_id: CHANNEL,
      embeds: body.embeds ?? [],
      allowed_mentions: body.allowed_mentions,
      edits: 0,
      text: JSON.stringify(body.embeds),
    };
    this.messages.set(id, message);
    return url.searchParams.get('wait') === 'true' ? answer(200, message) : answer(204);
  }

  private tooLarge(embeds: DiscordMessage['embeds']): boolean {
    if (embeds.length > 10) return true;
    let total = 0;
    for (const embed of embeds) {
      const fields = embed.fields ?? [];
      if ((embed.title ?? '').length > 256 || (embed.description ?? '').length > 4096 || fields.length > 25)
        return true;
      if (fields.some((field) => field.name.length > 256 || field.value.length > 1024)) return true;
      total += (embed.title ?? '').length + (embed.description ?? '').length;
      total += fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
    }
    return total > 6000;
  }
}
