import { z } from 'zod';
import { worstOf } from '../events/alert-state.js';
import type { CheckStatus } from '../events/types.js';
import { defineInspection, type AnyInspection, type InspectionEvent } from '../module-system/inspection-contract.js';
import type { Db } from '../store/db.js';
import { moduleHealth } from '../store/delivery-health-repo.js';

const PARAMETERS = z.object({
  /** The oldest queued delivery older than this is an `error`. */
  queuedErrorSeconds: z.number().int().min(10).default(300),
  /** Dead deliveries in the last hour at or above this are a `warning`. */
  deadWarning: z.number().int().min(1).default(1),
});

/**
 * The hub's self-check, `core.deliveries`: per module, dead deliveries in the last hour (`warning`), the
 * oldest queued delivery older than 5 minutes (`error`), and every delivery of the last 15 minutes failing
 * (`critical`). Dimensions `{module}`; a module with nothing wrong reports `ok`, so its alert can recover.
 */
export function deliveriesSelfCheck(db: Db, modules: () => string[]): AnyInspection {
  return defineInspection({
    name: 'deliveries',
    title: 'Hub deliveries',
    description: 'Dead deliveries in the last hour, deliveries queued too long, modules failing every delivery.',
    every: '* * * * *',
    parameters: PARAMETERS,
    async run({ parameters }): Promise<InspectionEvent[]> {
      const health = await moduleHealth(db, modules());
      return health.map((h) => {
        const findings: Array<[CheckStatus, string]> = [];
        if (h.deadLastHour >= parameters.deadWarning)
          findings.push(['warning', `${h.deadLastHour} dead deliveries in the last hour`]);
        if (h.oldestQueuedSeconds > parameters.queuedErrorSeconds)
          findings.push([
            'error',
            `the oldest queued delivery has waited ${Math.round(h.oldestQueuedSeconds / 60)} min`,
          ]);
        if (h.endedLast15Min > 0 && h.failedLast15Min === h.endedLast15Min)
          findings.push(['critical', `all ${h.endedLast15Min} deliveries of the last 15 minutes failed`]);
        const status = worstOf(findings.map(([s]) => s));
        return {
          title:
            findings.length > 0
              ? `${h.module}: ${findings.map(([, text]) => text).join('; ')}`
              : `${h.module}: deliveries fine`,
          message:
            findings.length > 0
              ? findings.map(([s, text]) => `- **${s}** ${text}`).join('\n')
              : `No dead, stuck or failing deliveries for *${h.module}*.`,
          status,
          dimensions: { module: h.module },
        };
      });
    },
  });
}
