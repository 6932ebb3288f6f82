import http from 'node:http';
import zlib from 'node:zlib';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, type TestHub } from '../support/hub.js';

interface Answer {
  status: number;
  body: { error?: { code: string; message: string }; id?: string };
}

function put(url: string, body: Buffer, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/v1/deployment`,
      { method: 'PUT', agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `size` bytes of zeros, gzipped as a stream: 1 GiB becomes about 1 MB without ever being in memory. */
async function gzipBomb(size: number): Promise<Buffer> {
  const gzip = zlib.createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(1 << 20);
  for (let written = 0; written < size; written += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await ended;
  return Buffer.concat(chunks);
}

describe('Content-Encoding of ingest bodies', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub.stop();
  });

  const json = (version: string) => Buffer.from(JSON.stringify(aspenDeployment({ version })));

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
    ['GZIP', zlib.gzipSync],
  ] as const)('accepts a %s body', async (encoding, compress) => {
    const answer = await put(hub.url, compress(json(`enc-${encoding}`)), { 'content-encoding': encoding });
    expect(answer.status).toBe(200);
    expect(answer.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('measures the 1 MiB limit after inflating: a small gzip of 2 MiB is 413', async () => {
    const big = Buffer.from(
      JSON.stringify(aspenDeployment({ descriptionEnglish: null, pad: 'x'.repeat(2 * 1024 * 1024) })),
    );
    const compressed = zlib.gzipSync(big);
    expect(compressed.length).toBeLessThan(64 * 1024);
    const answer = await put(hub.url, compressed, { 'content-encoding': 'gzip' });
    expect(answer).toMatchObject({ status: 413, body: { error: { code: 'HUB_ERR_BODY_TOO_LARGE' } } });
  });

  it('refuses a gzip bomb (1 GiB inflated) with 413 without the process growing', async () => {
    const bomb = await gzipBomb(1024 * 1024 * 1024);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const answer = await put(hub.url, bomb, { 'content-encoding': 'gzip' });
      expect(answer).toMatchObject({ status: 413, body: { error: { code: 'HUB_ERR_BODY_TOO_LARGE' } } });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    // Inflating stops at the limit: the growth is the limit and zlib's buffers, not the bomb.
    expect((peak - before) / (1024 * 1024)).toBeLessThan(64);
    expect((await put(hub.url, json('after-bomb'), {})).status).toBe(200);
  }, 60_000);

  it.each(['compress', 'x-unknown', 'gzip, br', 'identity;q=1'])(
    'answers 415 for Content-Encoding %s',
    async (encoding) => {
      const answer = await put(hub.url, json(`enc-${encoding}`), { 'content-encoding': encoding });
      expect(answer).toMatchObject({ status: 415, body: { error: { code: 'HUB_ERR_UNSUPPORTED_MEDIA_TYPE' } } });
    },
  );

  it('answers 400 for a body that says gzip and is not', async () => {
    const answer = await put(hub.url, json('not-gzip'), { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('HUB_ERR_INVALID_JSON');
  });
});
