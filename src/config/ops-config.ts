import { z } from 'zod';
import { describeIssues, envBool, envString, type Env } from './env.js';

/** Settings of the operator's window: metrics and run-time control. */
export interface OpsConfig {
  /** When set, GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>`; open otherwise. */
  metricsToken?: string;
  /** POST /api/v1/admin/shutdown exists only when true. */
  allowShutdown: boolean;
}

const opsSchema = z.object({
  METRICS_TOKEN: envString().refine((value) => value === undefined || value.length >= 8, {
    message: 'must be at least 8 characters',
  }),
  ADMIN_ALLOW_SHUTDOWN: envBool(false),
});

export function parseOpsConfig(env: Env): { ok: true; value: OpsConfig } | { ok: false; problems: string[] } {
  const parsed = opsSchema.safeParse(env);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error) };
  return {
    ok: true,
    value: { metricsToken: parsed.data.METRICS_TOKEN, allowShutdown: parsed.data.ADMIN_ALLOW_SHUTDOWN },
  };
}
