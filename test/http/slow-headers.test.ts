import net from 'node:net';
import { startTestHub, type TestHub } from '../support/hub.js';

/** Opens a raw connection and feeds it `lines` one at a time, `gapMs` apart, never ending the headers. */
function slowClient(
  url: string,
  lines: string[],
  gapMs: number,
): Promise<{ closedAfterMs: number; answer: string; linesSent: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const opened = Date.now();
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const feed = () => {
      if (sent < lines.length && !socket.destroyed) {
        socket.write(lines[sent]!);
        sent += 1;
      }
      timer = setTimeout(feed, gapMs);
    };
    socket.on('connect', feed);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: Date.now() - opened, answer, linesSent: sent });
    });
    setTimeout(() => {
      socket.destroy();
      reject(new Error('the hub kept the connection open for 30 s'));
    }, 30_000).unref();
  });
}

describe('connections that never finish their headers', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('are answered 408 and closed about 10 s after they opened, however slowly they trickle', async () => {
    const trickle = [
      'PUT /api/v1/deployment HTTP/1.1\r\n',
      'Host: hub\r\n',
      ...Array.from({ length: 40 }, (_, i) => `X-Slow-${i}: ${'a'.repeat(10)}\r\n`),
    ];
    const [slowloris, silent] = await Promise.all([slowClient(hub.url, trickle, 500), slowClient(hub.url, [], 1_000)]);
    for (const client of [slowloris, silent]) {
      expect(client.closedAfterMs).toBeGreaterThanOrEqual(9_500);
      // 10 s plus the 1 s check interval, with room for a busy event loop.
      expect(client.closedAfterMs).toBeLessThan(14_000);
    }
    expect(slowloris.answer).toMatch(/^HTTP\/1\.1 408 /);
    // It was still sending when it was cut off: the limit is on the whole of the headers, not on silence.
    expect(slowloris.linesSent).toBeGreaterThan(15);
    expect(slowloris.linesSent).toBeLessThan(trickle.length);
  }, 40_000);

  it('leaves an ordinary request on the same hub alone', async () => {
    const res = await fetch(`${hub.url}/health`);
    expect(res.status).toBe(200);
  });
});
