import http from 'node:http';

/**
 * The baseline of benchmark (d): a bare node script making the same requests the hub's endpoint health
 * makes in one tick (GET each monitor URL, at most CONCURRENCY at once, look for the keyword), and nothing
 * else. Prints {seconds, cpuSeconds, ok, failed, peakRssMb} as JSON.
 */
const urls = JSON.parse(process.env.BENCH_URLS ?? '[]') as string[];
const keyword = process.env.BENCH_KEYWORD ?? 'APPLICATION_STATUS: OK';
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function get(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve((response.statusCode ?? 0) < 400 && Buffer.concat(chunks).toString('utf8').includes(keyword)),
      );
    });
    request.setTimeout(10_000, () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

const started = performance.now();
const cpu = process.cpuUsage();
let next = 0;
let ok = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < urls.length) {
      const url = urls[next++]!;
      if (await get(url)) ok += 1;
    }
  }),
);
const used = process.cpuUsage(cpu);
agent.destroy();
process.stdout.write(
  `${JSON.stringify({
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(3)),
    ok,
    failed: urls.length - ok,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
