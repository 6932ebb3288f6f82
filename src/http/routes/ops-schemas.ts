import { z } from 'zod';
import { LOG_LEVEL_NAMES } from '../../logging/levels.js';
import { storableRecord, storableText } from '../../util/input-rules.js';

/** Request and answer shapes of the run-time control routes: validated by `doc()`, published in the OpenAPI document. */

export const loggerName = z.object({ name: z.string().describe('`root` or a module name') });
export const moduleName = z.object({ name: z.string().describe('a module name (GET /api/v1/modules)') });

export const setLevelBody = z.strictObject({
  level: z
    .enum(LOG_LEVEL_NAMES)
    .nullable()
    .describe('winston level; null removes the run-time level (root: back to LOG_LEVEL, a module: inherits root)'),
  ttlSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .optional()
    .describe('revert after this many seconds'),
});

export const loggerView = z.object({
  name: z.string(),
  configured: z.enum(LOG_LEVEL_NAMES).nullable(),
  effective: z.enum(LOG_LEVEL_NAMES),
  source: z.enum(['environment', 'runtime', 'inherited']),
  expiresAt: z.string().nullable(),
});

export const replicaView = z.object({
  hubId: z.string(),
  host: z.string(),
  version: z.string(),
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  cpuPercent: z.number().describe('100 = one core busy, between the last two heartbeats'),
  eventLoopLagMs: z.number().describe('mean event-loop delay between the last two heartbeats'),
  activeDeliveries: z.number(),
  queueDepth: z.number().describe('deliveries due and not yet taken, all replicas'),
  lastHeartbeatAt: z.string(),
});

export const configValues = storableRecord(z.union([storableText(), z.number(), z.boolean(), z.null()])).describe(
  'environment-style keys of the module (GET shows them); null unsets a key; `***` keeps a secret as it is',
);

const moduleStatus = z
  .object({ name: z.string(), enabled: z.boolean(), configured: z.boolean(), reason: z.string().nullable() })
  .loose();

export const configView = z.object({
  module: z.string(),
  source: z.enum(['environment', 'runtime']),
  values: z.record(z.string(), z.string().nullable()).describe('secrets as ***'),
  overridden: z.array(z.string()),
  secretKeys: z.array(z.string()),
  updatedAt: z.string().nullable(),
  status: moduleStatus,
});

export const configChange = z.object({
  id: z.number(),
  module: z.string(),
  at: z.string(),
  action: z.enum(['set', 'reset']),
  keys: z.array(z.string()).describe('keys whose value changed; never the values'),
  hub: z.string(),
  requestId: z.string().nullable(),
});

export const changesQuery = z.object({
  module: storableText().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const shutdownBody = z.strictObject({ reason: storableText().trim().min(1).max(500) });
