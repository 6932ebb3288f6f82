import request from 'supertest';
import { waitFor, type TestHub } from './hub.js';

/** A delivery as GET /api/v1/events/:id shows it. */
export interface DeliveryJson {
  id: string;
  module: string;
  status: string;
  attempts: number;
  result: { summary?: string; link?: string; notify?: boolean; details?: Record<string, unknown> } | null;
  lastError: { message: string; status?: number; code?: string; permanent?: boolean } | null;
  lifecycle: Array<{ status: string; attempt: number; detail: unknown }>;
}

export interface EventJson {
  id: string;
  deliveries: DeliveryJson[];
}

let counter = 0;

/** PUTs a deployment and returns its event id. Each gets a version of its own (overriding the body's) so the hub's dedupe keeps them apart. */
export async function putDeployment(hub: TestHub, body: Record<string, unknown>): Promise<string> {
  counter += 1;
  const answer = await request(hub.url)
    .put('/api/v1/deployment')
    .send({ ...body, version: `2.0.${counter}_abc123` })
    .expect(200);
  return answer.body.id as string;
}

/** Waits until one module's delivery of an event has reached an end (succeeded, dead or skipped). */
export async function finishedDelivery(
  hub: TestHub,
  eventId: string,
  module: string,
  timeoutMs = 10_000,
): Promise<{ event: EventJson; delivery: DeliveryJson }> {
  return waitFor(
    async () => {
      const res = await request(hub.url).get(`/api/v1/events/${eventId}`).expect(200);
      const event = res.body as EventJson;
      const delivery = event.deliveries.find((candidate) => candidate.module === module);
      return delivery && ['succeeded', 'dead', 'skipped'].includes(delivery.status) ? { event, delivery } : null;
    },
    timeoutMs,
    `${module} delivery of ${eventId} to finish`,
  );
}
