import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import path from 'node:path';
import { ROOT, cpuSeconds, createDatabase, dropDatabase, rssMb, startHubProcess } from './support.js';

const APPS = Number(process.env.BENCH_MONITORED_APPS ?? 1_000);
const KEYWORD = 'APPLICATION_STATUS: OK';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/**
 * d. Endpoint health for APPS monitored applications (a local server answering every monitor page) on the
 * inspection's own every-minute schedule: when each application was checked relative to its tick, the hub's
 * CPU over that minute and its memory; beside it, a bare node script making the same requests.
 */
export async function benchMonitoring(adminUrl: string) {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    hits.set(req.url ?? '', Date.now());
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${KEYWORD}\nuptime 12345 s\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const databaseUrl = await createDatabase(adminUrl, 'alvares_bench_d');
  const hub = await startHubProcess(databaseUrl, 'd', {
    ACTIVE_APP_HOST: base,
    ADMIN_TOKEN,
    DISABLED_SUBSCRIBERS: 'database,slack,uptimerobot,detectify,lighthouse,webhook',
  });
  try {
    for (let i = 0; i < APPS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, APPS - i) }, (_, j) =>
          fetch(`${hub.url}/api/v1/deployment`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              applicationName: `monitored-${i + j}`,
              cluster: 'active',
              replicas: 2,
              version: '1.0.0',
              applicationPath: `/monitored-${i + j}`,
              slackChannels: '#bench',
            }),
          }).then((res) => {
            if (res.status !== 200) throw new Error(`deployment answered ${res.status}`);
          }),
        ),
      );
    }
    // Measure the first tick that starts after every deployment is in (the one running now may have seen only some).
    const tick = Math.ceil((Date.now() + 1_000) / 60_000) * 60_000;
    await new Promise((resolve) => setTimeout(resolve, tick - Date.now() - 200));
    hits.clear();
    const cpuBefore = cpuSeconds(hub.process.pid!);
    let rssPeak = rssMb(hub.process.pid!);
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(hub.process.pid!))), 500);
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    clearInterval(sampler);
    const cpuMinute = cpuSeconds(hub.process.pid!) - cpuBefore;
    const checked = [...hits.values()];
    const lastMs = checked.length > 0 ? Math.max(...checked) - tick : NaN;
    const firstMs = checked.length > 0 ? Math.min(...checked) - tick : NaN;
    const runs = await fetch(`${hub.url}/api/v1/checks/endpoints.health/runs?limit=1`).then(
      (res) => res.json() as Promise<{ runs: Array<{ durationMs: number; result: { message: string } }> }>,
    );

    const urls = Array.from({ length: APPS }, (_, i) => `${base}/monitored-${i}/_monitor`);
    hits.clear();
    // Asynchronously: the monitor pages are served by this process, which must keep answering meanwhile.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'bench/bare-monitor.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, BENCH_URLS: JSON.stringify(urls), BENCH_KEYWORD: KEYWORD, BENCH_CONCURRENCY: '20' },
        maxBuffer: 1 << 20,
      },
    );
    const bare = JSON.parse(stdout) as {
      seconds: number;
      cpuSeconds: number;
      ok: number;
      failed: number;
      peakRssMb: number;
    };
    const cpuShare = cpuMinute / 60;
    return {
      applications: APPS,
      hub: {
        checked: checked.length,
        firstCheckAfterTickMs: firstMs,
        lastCheckAfterTickMs: lastMs,
        runDurationMs: runs.runs[0]?.durationMs ?? null,
        runSummary: runs.runs[0]?.result.message.split('\n')[0] ?? null,
        cpuSecondsInTheMinute: Number(cpuMinute.toFixed(2)),
        cpuShareOfOneCore: Number(cpuShare.toFixed(3)),
        rssPeakMb: rssPeak,
        processPeakRssMb: hub.peakRssMb(),
      },
      bare,
      targets: { allWithinSeconds: 60, cpuShareUnder: 0.25, rssUnderMb: 300 },
      met: checked.length === APPS && lastMs < 60_000 && cpuShare < 0.25 && rssPeak < 300,
    };
  } finally {
    await hub.stop();
    await dropDatabase(adminUrl, 'alvares_bench_d');
    await new Promise((resolve) => server.close(resolve));
  }
}
