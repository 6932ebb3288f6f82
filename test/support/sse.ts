import { waitFor } from './hub.js';

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  messages: SseMessage[];
  /** Everything received, comments included (keep-alives are `:` lines). */
  raw(): string;
  next(predicate: (message: SseMessage) => boolean, timeoutMs?: number, what?: string): Promise<SseMessage>;
  close(): void;
  closed: Promise<void>;
}

/** A real server-sent-events client over fetch: parses the stream as a browser would (events, ids, comments). */
export async function openStream(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const messages: SseMessage[] = [];
  let raw = '';
  let pending = '';
  const closed = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        raw += text;
        pending += text;
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const message: SseMessage = { id: null, event: 'message', data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon === 0) continue;
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') message.id = value;
            else if (field === 'event') message.event = value;
            else if (field === 'data') {
              message.data += (hasData ? '\n' : '') + value;
              hasData = true;
            }
          }
          if (hasData) messages.push(message);
        }
      }
    } catch {
      // aborted or cut by the server
    }
  })();
  return {
    status: response.status,
    messages,
    raw: () => raw,
    next: (predicate, timeoutMs = 5_000, what = 'a stream message') =>
      waitFor(() => messages.find(predicate), timeoutMs, what),
    close: () => controller.abort(),
    closed,
  };
}
