import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import {
  createUrlGuard,
  defineInspection,
  type CoreConfig,
  type Deployment,
  type InspectionEvent,
} from '../../src/module-api.js';
import { probe, type ProbeResult } from './probe.js';

export const HEALTH_PARAMETERS = z.object({
  /** No answer within this is `critical`. */
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  /** Slower than this is a `warning`. */
  slowMs: z.number().int().min(1).max(60_000).default(5_000),
  /** Requests at once. */
  concurrency: z.number().int().min(1).max(200).default(20),
  /** A TLS certificate expiring within this many days is a `warning`. */
  certificateDays: z.number().int().min(0).max(365).default(14),
  /** Hosts besides the clusters' own (and OUTBOUND_ALLOWED_HOSTS) that monitor URLs may point at: `host`, `host:port`, `*.example.com`, an address or CIDR. */
  allowedHosts: z.array(z.string().min(1)).default([]),
});

/**
 * Endpoint health (the keyword monitoring UptimeRobot did): every minute, for the latest deployment of
 * each application and cluster still deployed with a monitor URL, GET the URL and look for its pattern.
 */
export function healthInspection(core: Readonly<CoreConfig>) {
  return defineInspection({
    name: 'health',
    title: 'Endpoint health',
    description: "GETs each deployed application's monitor URL and looks for its monitor pattern (keyword monitoring).",
    every: '* * * * *',
    parameters: HEALTH_PARAMETERS,
    // 1,000 applications at 20 at once, a few of them timing out, fit in a minute; a tick is not cut short for one slow host.
    timeoutMs: 5 * 60_000,
    async run({ parameters, signal, deployments }): Promise<InspectionEvent[]> {
      const deployed = (await deployments.latest())
        .map((row) => row.deployment)
        .filter((d) => !d.removal && d.replicas !== 0 && d.monitorUrl !== '');
      // The core's outbound guard: known hosts only, the name resolved once and every address checked
      // (loopback, private, link-local, metadata refused unless allowed explicitly), then connected to as checked.
      const guard = createUrlGuard({
        core,
        allowedHosts: parameters.allowedHosts,
        setting: 'the allowedHosts parameter or OUTBOUND_ALLOWED_HOSTS',
      });
      const agents = {
        http: new http.Agent({ keepAlive: true, maxSockets: parameters.concurrency }),
        https: new https.Agent({ keepAlive: true, maxSockets: parameters.concurrency }),
      };
      try {
        return await mapLimited(deployed, parameters.concurrency, async (d) => {
          const checked = await guard.check(d.monitorUrl);
          if (!checked.ok) {
            const finding = checked.reason === 'not a valid URL' ? 'not a URL' : `host not allowed: ${checked.reason}`;
            return eventFor(d, { status: 'error', finding, httpStatus: null, elapsedMs: 0, certificateExpires: null });
          }
          const pinned = { address: checked.address, family: checked.family };
          return eventFor(
            d,
            await probe(new URL(checked.url), { ...parameters, pattern: d.monitorPattern, signal, agents, pinned }),
          );
        });
      } finally {
        agents.http.destroy();
        agents.https.destroy();
      }
    },
  });
}

function eventFor(d: Deployment, result: ProbeResult): InspectionEvent {
  const cluster = d.cluster ?? 'active';
  const name = d.friendlyName || d.applicationName;
  const lines = [
    `*${name}* in *${cluster}*: ${result.finding}.`,
    '',
    `- URL: ${d.monitorUrl}`,
    `- pattern: \`${d.monitorPattern}\``,
    ...(result.httpStatus !== null
      ? [`- HTTP ${result.httpStatus} in ${result.elapsedMs} ms`]
      : result.elapsedMs > 0
        ? [`- after ${result.elapsedMs} ms`]
        : []),
    ...(result.certificateExpires ? [`- certificate valid until ${result.certificateExpires}`] : []),
  ];
  return {
    title: `${name} (${cluster}): ${result.finding}`,
    message: lines.join('\n'),
    status: result.status,
    dimensions: { application: d.applicationName, cluster },
    slackChannels: d.slackChannels,
  };
}

/** Runs `work` over `items` with at most `limit` at once; results in the items' order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
