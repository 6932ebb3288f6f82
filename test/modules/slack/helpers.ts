import request from 'supertest';
import { databaseModule } from '../../../modules/database/index.js';
import { slackModule } from '../../../modules/slack/index.js';
import type { Env } from '../../../src/config/env.js';
import { DeliveryError } from '../../../src/errors.js';
import { defineModule, type AnyModuleDefinition } from '../../../src/module-system/contract.js';
import type { DeliveryView } from '../../../src/store/delivery-views.js';
import type { FakeSlack } from '../../fakes/slack.js';
import { HOSTS_ENV } from '../../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../../support/hub.js';

export const TOKEN = 'xoxb-test-0000000000-secret';

/** A hub with the database and Slack modules (plus `extra`), Slack pointed at the fake with a short pace. */
export function startSlackHub(
  fake: FakeSlack,
  options: { env?: Env; extra?: AnyModuleDefinition[]; databaseUrl?: string } = {},
): Promise<TestHub> {
  return startTestHub({
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    env: {
      ...HOSTS_ENV,
      SLACK_TOKEN: TOKEN,
      SLACK_API_BASE_URL: fake.apiUrl,
      SLACK_PACE_MS: '5',
      // Tests send similar bodies on purpose; the hub's dedupe and storm windows would swallow them.
      IDEMPOTENCY_WINDOW_SECONDS: '0',
      ERROR_STORM_WINDOW_SECONDS: '0',
      ...options.env,
    },
    modules: [databaseModule, slackModule, ...(options.extra ?? [])],
  });
}

export async function put(
  hub: TestHub,
  type: 'deployment' | 'error' | 'recommendation',
  body: Record<string, unknown>,
): Promise<string> {
  const answer = await request(hub.url).put(`/api/v1/${type}`).send(body).expect(200);
  return answer.body.id as string;
}

export async function eventView(
  hub: TestHub,
  id: string,
): Promise<{ deliveries: DeliveryView[]; children: Array<{ id: string; type: string }> }> {
  const answer = await request(hub.url).get(`/api/v1/events/${id}`).expect(200);
  return answer.body;
}

/**
 * A test that scripts the fake's next answer must start from quiet: an earlier test's late reply or root
 * update would otherwise take the scripted answer.
 */
export function quiesce(hub: TestHub, timeoutMs = 15_000): Promise<void> {
  return waitForQuiet(hub, { task: 'deliver', timeoutMs });
}

/** Waits until the module's delivery of the event has ended (succeeded, dead or skipped) and returns it. */
export async function finishedDelivery(
  hub: TestHub,
  eventId: string,
  module = 'slack',
  timeoutMs = 10_000,
): Promise<DeliveryView> {
  return waitFor(
    async () => {
      const view = await eventView(hub, eventId);
      const delivery = view.deliveries.find((candidate) => candidate.module === module);
      return delivery && ['succeeded', 'dead', 'skipped'].includes(delivery.status) ? delivery : null;
    },
    timeoutMs,
    `${module} delivery of ${eventId} to end`,
  );
}

/** Slack's deliveries of the check.finished events derived from a deployment. */
export async function checkDeliveries(
  hub: TestHub,
  eventId: string,
  count: number,
  timeoutMs = 10_000,
): Promise<DeliveryView[]> {
  return waitFor(
    async () => {
      const view = await eventView(hub, eventId);
      const checks = view.children.filter((child) => child.type === 'check.finished');
      if (checks.length < count) return null;
      const deliveries: DeliveryView[] = [];
      for (const check of checks) {
        const delivery = (await eventView(hub, check.id)).deliveries.find((candidate) => candidate.module === 'slack');
        if (!delivery || !['succeeded', 'dead'].includes(delivery.status)) return null;
        deliveries.push(delivery);
      }
      return deliveries;
    },
    timeoutMs,
    `${count} check.finished deliveries of ${eventId}`,
  );
}

/** A real module, for tests only: reports that it now monitors the application. */
export const monitorModule = defineModule({
  name: 'test-monitor',
  description: 'test module reporting a monitor',
  events: ['deployment'],
  create: () => ({
    handlers: { deployment: () => ({ summary: 'Monitoring https://x' }) },
  }),
});

/** A real module, for tests only: refuses every deployment for good, so its check ends dead. */
export const brokenScannerModule = defineModule({
  name: 'test-scanner',
  description: 'test module whose key was revoked',
  events: ['deployment'],
  create: () => ({
    handlers: {
      deployment: () => {
        throw new DeliveryError('scanner key <revoked>', {
          permanent: true,
          code: 'HUB_ERR_UPSTREAM_AUTH',
          reason: 'KEY_REVOKED',
        });
      },
    },
  }),
});
