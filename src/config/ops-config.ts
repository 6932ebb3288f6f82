import { z } from 'zod';
import { describeIssues, envBool, envString, type Env } from './env.js';

/** Settings of the operator's window: metrics and run-time control. */
export interface OpsConfig {
  /** When set, GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>`; open otherwise. */
  metricsToken?: string;
  /** POST /api/v1/admin/shutdown exists only when true. */
  allowShutdown: boolean;
}

export const opsSchema = z.object({
  METRICS_TOKEN: envString()
    .refine((value) => value === undefined || value.length >= 8, {
      message: 'must be at least 8 characters',
    })
    .meta({
      secret: true,
      default: '(unset: `/metrics` is open)',
      description: 'At least 8 characters. `GET /metrics` then needs `Authorization: Bearer <METRICS_TOKEN>`.',
    }),
  ADMIN_ALLOW_SHUTDOWN: envBool(false).meta({
    description: '`true` enables `POST /api/v1/admin/shutdown` (404 otherwise).',
  }),
});

export function parseOpsConfig(env: Env): { ok: true; value: OpsConfig } | { ok: false; problems: string[] } {
  const parsed = opsSchema.safeParse(env);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error) };
  return {
    ok: true,
    value: { metricsToken: parsed.data.METRICS_TOKEN, allowShutdown: parsed.data.ADMIN_ALLOW_SHUTDOWN },
  };
}
