import { z } from 'zod';
import { cdeventSchema } from '../../ingest/sources/cdevents-schemas.js';
import { BATCH, STRUCTURED } from '../../ingest/sources/cloudevents-http.js';
import {
  deploymentStatusSchema,
  GITHUB_DELIVERY,
  GITHUB_EVENT,
  GITHUB_SIGNATURE,
} from '../../ingest/sources/github.js';
import { deploymentEventSchema, GITLAB_EVENT, GITLAB_TOKEN } from '../../ingest/sources/gitlab.js';
import type { RouteDoc } from '../route-docs.js';

/** One stored input, as the source routes answer it. */
const stored = z.object({
  id: z.string(),
  type: z.enum(['deployment', 'error', 'cdevent']),
  source: z.enum(['cdevents', 'github', 'gitlab']),
  status: z.enum(['accepted', 'duplicate', 'coalesced']),
  url: z.string(),
  deliveries: z.array(z.object({ id: z.string(), module: z.string() })),
  sameAs: z
    .string()
    .optional()
    .describe('another source reported this deployment first: its event (nothing sent again)'),
  stormOf: z.string().optional(),
});
const ignored = z.object({ status: z.literal('ignored'), reason: z.string() });

const cdevent = cdeventSchema('any', 'v05');
const cloudEvent = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string(),
    source: z.string(),
    type: z.string().describe('the CDEvent type: dev.cdevents.service.deployed.0.3.0'),
    subject: z.string().optional(),
    time: z.string().optional(),
    datacontenttype: z.string().optional(),
    dataschema: z.string().optional(),
    data: cdevent,
    data_base64: z.never().optional().describe('refused: the hub reads JSON data only, sent as data'),
  })
  .describe('a CloudEvent 1.0 whose data is a CDEvent');

const ceHeader = (description: string) => z.string().optional().describe(`binary mode: ${description}`);

/** The OpenAPI side of src/http/routes/sources.ts. */
export const sourceDocs: Record<'cdevents' | 'github' | 'gitlab', RouteDoc> = {
  cdevents: {
    summary: 'Accept CDEvents over CloudEvents HTTP (structured, binary or batched mode)',
    description:
      'service.deployed/.upgraded/.rolledback/.removed become deployments; pipelinerun/taskrun.finished with outcome ' +
      'failure or error become errors (200). Other CDEvents are stored and routed nowhere (202). Repeats (the same ' +
      'CloudEvent source and id) answer the first event. Ingest credentials and limits apply.',
    tags: ['ingest'],
    bodies: {
      [STRUCTURED]: cloudEvent,
      [BATCH]: z.array(cloudEvent),
      'application/json': cdevent.describe('binary mode: the CDEvent, its CloudEvent attributes in ce-* headers'),
    },
    headers: z.object({
      'ce-specversion': ceHeader('1.0'),
      'ce-id': ceHeader("the CDEvent's context.id"),
      'ce-source': ceHeader("the CDEvent's context.source"),
      'ce-type': ceHeader("the CDEvent's context.type"),
      'ce-subject': ceHeader("the CDEvent's subject.id"),
      'ce-time': ceHeader("the CDEvent's context.timestamp"),
      'ce-dataschema': ceHeader('the schema of the data, kept with the event'),
    }),
    response: z.union([stored, ignored, z.object({ events: z.array(z.union([stored, ignored])) })]),
    alsoSucceeds: {
      202: "stored and routed to no module (a CDEvent type the hub does not turn into an event), or ignored: the hub's own event (extension alvaresevent) come back",
    },
    errors: {
      401: 'missing or wrong ingest credentials',
      415: 'not JSON, or a datacontenttype that is not JSON',
      413: 'larger than 1 MiB',
      429: 'INGEST_RATE_PER_MINUTE reached',
    },
  },
  github: {
    summary: 'Accept a GitHub webhook (deployment_status; ping)',
    description:
      'deployment_status success becomes a deployment, failure and error an error with the log URL (200); ping ' +
      'answers pong; other events and states are ignored (202) and not stored. 404 while GITHUB_WEBHOOK_SECRET is unset.',
    tags: ['ingest'],
    documentedBody: z.union([deploymentStatusSchema, z.object({ zen: z.string(), hook_id: z.number() })]),
    headers: z.object({
      [GITHUB_SIGNATURE]: z.string().describe('sha256=<hex HMAC-SHA256 of the body with GITHUB_WEBHOOK_SECRET>'),
      [GITHUB_EVENT]: z.string().describe('deployment_status, ping; others are ignored'),
      [GITHUB_DELIVERY]: z.string().describe("the delivery's GUID: a repeat of it is the first event"),
    }),
    response: z.union([stored, ignored, z.object({ status: z.literal('pong') })]),
    alsoSucceeds: { 202: 'ignored: an event or state the hub does not read; nothing stored' },
    errors: {
      401: 'missing signature, or one that does not match',
      404: 'GITHUB_WEBHOOK_SECRET is not set',
      415: 'not JSON (set the webhook content type to application/json)',
      429: 'INGEST_RATE_PER_MINUTE reached',
    },
  },
  gitlab: {
    summary: 'Accept a GitLab webhook (deployment events)',
    description:
      'A deployment event with status success becomes a deployment, failed an error with the job URL (200); other ' +
      'statuses and events are ignored (202) and not stored. 404 while GITLAB_WEBHOOK_TOKEN is unset.',
    tags: ['ingest'],
    documentedBody: deploymentEventSchema,
    headers: z.object({
      [GITLAB_TOKEN]: z.string().describe('the webhook secret token: GITLAB_WEBHOOK_TOKEN'),
      [GITLAB_EVENT]: z.string().optional().describe('Deployment Hook; others are ignored'),
    }),
    response: z.union([stored, ignored]),
    alsoSucceeds: { 202: 'ignored: an event or status the hub does not read; nothing stored' },
    errors: {
      401: 'missing or wrong X-Gitlab-Token',
      404: 'GITLAB_WEBHOOK_TOKEN is not set',
      415: 'not JSON',
      429: 'INGEST_RATE_PER_MINUTE reached',
    },
  },
};
