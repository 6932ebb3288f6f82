import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One card the fake's flow accepted: the Adaptive Card inside the envelope, as posted. */
export interface TeamsCard {
  body: Array<Record<string, unknown>>;
  actions: Array<{ type: string; title: string; url: string }>;
  version: string;
  msteams: { width: string };
  /** Every text of the card, one string, for matching. */
  text: string;
  /** The flow it was posted to (`webhookUrlFor`): one fake serves several webhooks. */
  flow: string;
}

type Scripted = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number };

/**
 * A Teams Workflows webhook ("When a Teams webhook request is received") on 127.0.0.1: POST
 * /workflows/<id>/triggers/manual/paths/invoke?sig=<signature>. Like the real trigger it answers 202 with no body
 * (no message id: nothing can be edited or replied to), 401 for a wrong signature, 400 for a body that is not a
 * message with one Adaptive Card attachment, 413 past 28 KB, and 429 with Retry-After past 4 requests a second.
 * Scripted answers (a 5xx, a 429, a slow answer) take the next calls' place.
 */
export class FakeTeams {
  readonly cards: TeamsCard[] = [];
  /** Every request: path, status answered. */
  readonly requests: Array<{ path: string; status: number; body: unknown }> = [];
  private scripted: Scripted[] = [];
  private recent: number[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly webhookUrl: string,
  ) {}

  static async start(): Promise<FakeTeams> {
    let fake: FakeTeams | null = null;
    const server = http.createServer((req, res) => void fake!.handle(req, res));
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/workflows/0f1e2d/triggers/manual/paths/invoke?api-version=1&sig=fake-teams-signature`;
    fake = new FakeTeams(server, url);
    return fake;
  }

  /** Another flow's webhook on the same fake (its cards carry `flow`); the default one is `0f1e2d`. */
  webhookUrlFor(flow: string): string {
    return this.webhookUrl.replace('/workflows/0f1e2d/', `/workflows/${flow}/`);
  }

  /** The next `times` calls answer this instead of posting. */
  failNext(times: number, answer: Scripted): void {
    for (let i = 0; i < times; i += 1) this.scripted.push(answer);
  }

  cardsWith(text: string): TeamsCard[] {
    return this.cards.filter((card) => card.text.includes(text));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const answer = (status: number, body = '', headers: Record<string, string> = {}) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        parsed = raw.toString('utf8');
      }
      this.requests.push({ path: url.pathname, status, body: parsed });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    const scripted = this.scripted.shift();
    if (scripted) {
      if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
      if (res.destroyed) return;
      return answer(scripted.status, scripted.body ?? '', scripted.headers);
    }
    if (req.method !== 'POST' || !url.pathname.endsWith('/triggers/manual/paths/invoke')) return answer(404);
    if (url.searchParams.get('sig') !== 'fake-teams-signature')
      return answer(401, JSON.stringify({ error: { code: 'DirectApiAuthorizationRequired' } }));
    const now = Date.now();
    this.recent = this.recent.filter((at) => now - at < 1000);
    if (this.recent.length >= 4) return answer(429, '', { 'retry-after': '1' });
    this.recent.push(now);
    if (raw.length > 28 * 1024) return answer(413, JSON.stringify({ error: { code: 'RequestEntityTooLarge' } }));
    const card = this.cardOf(raw);
    if (!card) return answer(400, JSON.stringify({ error: { code: 'InvalidRequestContent' } }));
    this.cards.push({ ...card, flow: url.pathname.split('/')[2] ?? '' });
    answer(202);
  }

  /** The card when the body is the message envelope the trigger's "post card" step reads; null otherwise. */
  private cardOf(raw: Buffer): Omit<TeamsCard, 'flow'> | null {
    try {
      const message = JSON.parse(raw.toString('utf8')) as {
        type?: string;
        attachments?: Array<{ contentType?: string; content?: Record<string, unknown> }>;
      };
      const attachment = message.attachments?.[0];
      const content = attachment?.content;
      if (message.type !== 'message' || message.attachments?.length !== 1) return null;
      if (attachment?.contentType !== 'application/vnd.microsoft.card.adaptive' || content?.type !== 'AdaptiveCard')
        return null;
      if (!Array.isArray(content.body)) return null;
      return {
        body: content.body as TeamsCard['body'],
        actions: (content.actions ?? []) as TeamsCard['actions'],
        version: String(content.version),
        msteams: content.msteams as TeamsCard['msteams'],
        text: JSON.stringify(content),
      };
    } catch {
      return null;
    }
  }
}
