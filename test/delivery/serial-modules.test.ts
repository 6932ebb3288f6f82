import request from 'supertest';
import { webhookModule } from '../../modules/webhook/index.js';
import { defineModule } from '../../src/module-system/contract.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

/**
 * A serial module of the test's own (as Lighthouse is: one browser at a time), whose handler takes a while
 * and records how many of its deliveries ran at once.
 */
function slowSerialModule(runMs: number) {
  const state = { running: 0, mostAtOnce: 0, finished: [] as string[] };
  const definition = defineModule({
    name: 'slow-serial',
    description: 'takes its time, one delivery at a time',
    events: ['deployment'],
    serial: true,
    create: () => ({
      handlers: {
        deployment: async (event) => {
          state.running += 1;
          state.mostAtOnce = Math.max(state.mostAtOnce, state.running);
          await new Promise((resolve) => setTimeout(resolve, runMs));
          state.running -= 1;
          state.finished.push(event.id);
          return { summary: 'done slowly', notify: false };
        },
      },
    }),
  });
  return { definition, state };
}

describe('a serial module', () => {
  let hub: TestHub;
  const subscriber = new FakeSubscriber();
  const serial = slowSerialModule(400);

  beforeAll(async () => {
    await subscriber.start();
    hub = await startTestHub({
      modules: [serial.definition, webhookModule],
      env: { WEBHOOK_URL: subscriber.url, WORKER_CONCURRENCY: '4' },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await subscriber.stop();
  });

  it('runs one delivery at a time, without holding up the other modules, and uses no attempt while waiting', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      ids.push(
        (
          await request(hub.url)
            .put('/api/v1/deployment')
            .send(aspenDeployment({ version: `serial-${i}` }))
            .expect(200)
        ).body.id,
      );
    }
    // The webhook deliveries of all four finish while the serial module is still on its first or second.
    await waitFor(() => ids.every((id) => subscriber.eventIds().includes(id)), 5_000, 'every webhook delivery');
    expect(serial.state.finished.length).toBeLessThan(4);

    await waitFor(() => serial.state.finished.length === 4, 20_000, 'every serial delivery');
    expect(serial.state.mostAtOnce).toBe(1);
    expect([...serial.state.finished].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const event = (await request(hub.url).get(`/api/v1/events/${id}`).expect(200)).body;
      const delivery = event.deliveries.find((d: { module: string }) => d.module === 'slow-serial');
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(delivery.lifecycle.map((step: { status: string }) => step.status)).toEqual([
        'queued',
        'in_progress',
        'succeeded',
      ]);
    }
  }, 30_000);
});
