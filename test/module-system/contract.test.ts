import request from 'supertest';
import { DeliveryError, defineModule, type HubEvent } from '../../src/module-api.js';
import { DeliveryDeferral } from '../../src/errors.js';
import type { StreamItem } from '../../src/stream/hub-stream.js';
import { aspenDeployment } from '../support/aspen.js';
import { finishedDelivery, putDeployment } from '../support/deliveries.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../support/hub.js';

/**
 * What adding an integration takes: a module written against src/module-api.ts alone, listed for the hub,
 * and this test. It uses every part of the contract: handlers, start and stop, a route of its own, a
 * schedule, derived events published from a handler and at once, a deferral and a retry.
 */
function noteTakerModule() {
  const seen = {
    started: 0,
    stopped: 0,
    handled: [] as string[],
    recommendations: [] as HubEvent<'recommendation'>[],
    attempts: new Map<string, number>(),
  };
  const definition = defineModule({
    name: 'note-taker',
    description: 'notes every deployment; recommends a monitor where one is missing',
    events: ['deployment', 'recommendation'],
    delivery: { maxAttempts: 5 },
    create: (ctx) => ({
      handlers: {
        deployment: (event, delivery) => {
          seen.handled.push(`${event.payload.applicationName}#${delivery.attempt}`);
          seen.attempts.set(event.id, delivery.attempt);
          const name = event.payload.applicationName;
          if (name === 'waits-once' && delivery.attempt === 1 && !seen.handled.includes('waits-once:deferred')) {
            seen.handled.push('waits-once:deferred');
            throw new DeliveryDeferral(200, 'not its turn yet');
          }
          if (!event.payload.monitorUrl) {
            delivery.publish('recommendation', {
              message: `${name} has no monitor URL`,
              slackChannels: event.payload.slackChannels,
              applicationName: name,
              team: event.payload.team,
            });
          }
          // A failed attempt's published events are dropped; its retry publishes them again, once.
          if (name === 'flaky' && delivery.attempt === 1)
            throw new DeliveryError('first attempt fails', { retryAfterMs: 50 });
          return { summary: `noted ${name}`, notify: false };
        },
        recommendation: (event) => {
          seen.recommendations.push(event);
        },
      },
      async start() {
        seen.started += 1;
        await ctx.publish('recommendation', {
          message: 'note-taker started',
          slackChannels: [],
          applicationName: null,
          team: null,
        });
      },
      stop() {
        seen.stopped += 1;
        return Promise.resolve();
      },
      routes(router) {
        router.get('/api/v1/note-taker/notes', (_req, res) => {
          res.json({ handled: seen.handled, publicUrl: ctx.core.publicUrl });
        });
      },
      schedules: [{ name: 'tidy', cron: '0 3 * * *', run: () => ({ summary: 'tidied' }) }],
    }),
  });
  return { definition, seen };
}

/** A second module that hears the recommendations the first publishes. */
function listenerModule() {
  const heard: HubEvent<'recommendation'>[] = [];
  const definition = defineModule({
    name: 'listener',
    description: 'hears recommendations',
    events: ['recommendation'],
    create: () => ({ handlers: { recommendation: (event) => void heard.push(event) } }),
  });
  return { definition, heard };
}

describe('the module contract', () => {
  let hub: TestHub;
  const noteTaker = noteTakerModule();
  const listener = listenerModule();
  const items: StreamItem[] = [];

  beforeAll(async () => {
    hub = await startTestHub({
      modules: [noteTaker.definition, listener.definition],
      env: { DELIVERY_MAX_ATTEMPTS_NOTE_TAKER: '3' },
    });
    hub.hub.stream.onAny((item) => items.push(item));
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('starts the module once, before any delivery, with the final public URL, and mounts its routes', async () => {
    expect(noteTaker.seen.started).toBe(1);
    const notes = await request(hub.url).get('/api/v1/note-taker/notes').expect(200);
    expect(notes.body.publicUrl).toBe(hub.hub.config.publicUrl);
    expect(hub.hub.config.publicUrl).toMatch(/^http:\/\/localhost:\d+$/);
    expect(Object.isFrozen(hub.hub.config)).toBe(true);
    // What start() published went onto the bus: the listener got it, the publisher did not.
    await waitFor(() => listener.heard.some((event) => event.payload.message === 'note-taker started'));
    expect(noteTaker.seen.recommendations.some((event) => event.payload.message === 'note-taker started')).toBe(false);
  });

  it('runs the handler, records its result, and commits what it published with the outcome', async () => {
    const id = await putDeployment(hub, aspenDeployment({ applicationName: 'plain' }));
    const { delivery, event } = await finishedDelivery(hub, id, 'note-taker');
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, result: { summary: 'noted plain' } });
    const children = (await request(hub.url).get(`/api/v1/events/${id}`).expect(200)).body.children;
    expect(children).toEqual([expect.objectContaining({ type: 'recommendation' })]);
    const child = (await request(hub.url).get(`/api/v1/events/${children[0].id}`).expect(200)).body;
    expect(child).toMatchObject({
      parentId: event.id,
      payload: { message: 'plain has no monitor URL', applicationName: 'plain' },
    });
    expect(child.deliveries.map((d: { module: string }) => d.module)).toEqual(['listener']);
  });

  it('drops what a failed attempt published: the retry publishes it once', async () => {
    const id = await putDeployment(hub, aspenDeployment({ applicationName: 'flaky' }));
    const { delivery } = await finishedDelivery(hub, id, 'note-taker');
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2 });
    await waitForQuiet(hub);
    const children = (await request(hub.url).get(`/api/v1/events/${id}`).expect(200)).body.children;
    expect(children).toHaveLength(1);
    expect(listener.heard.filter((event) => event.payload.message === 'flaky has no monitor URL')).toHaveLength(1);
  });

  it('lets a deferred delivery wait without using an attempt', async () => {
    const id = await putDeployment(hub, aspenDeployment({ applicationName: 'waits-once' }));
    const { delivery } = await finishedDelivery(hub, id, 'note-taker');
    expect(delivery.attempts).toBe(1);
    expect(delivery.lifecycle.map((step) => step.status)).toEqual(['queued', 'in_progress', 'succeeded']);
    expect(noteTaker.seen.handled.filter((entry) => entry.startsWith('waits-once#'))).toEqual([
      'waits-once#1',
      'waits-once#1',
    ]);
  });

  it('applies DELIVERY_*_<MODULE> to a name with a hyphen, over the module default', async () => {
    const rows = await hub.hub.db.query<{ max_attempts: number }>(
      "select distinct max_attempts from deliveries where module = 'note-taker'",
    );
    expect(rows.rows).toEqual([{ max_attempts: 3 }]);
  });

  it('lists the schedule it declared, and skips deliveries while it is turned off', async () => {
    const schedules = (await request(hub.url).get('/api/v1/schedules').expect(200)).body.schedules;
    expect(schedules.map((schedule: { id: string }) => schedule.id)).toContain('note-taker.tidy');

    hub.hub.registry.disable('note-taker');
    try {
      const id = await putDeployment(hub, aspenDeployment({ applicationName: 'while-off' }));
      const event = (await request(hub.url).get(`/api/v1/events/${id}`).expect(200)).body;
      // Off at ingest: no delivery is made for it at all.
      expect(event.deliveries.map((d: { module: string }) => d.module)).not.toContain('note-taker');
    } finally {
      hub.hub.registry.enable('note-taker');
    }
  });

  it('tells the stream what happened, in order: accepted, in progress, succeeded, module changes', () => {
    // The core's own every-minute checks (core.checks, core.deliveries) may tick meanwhile; they are not this module's doing.
    const kinds = new Set(
      items.filter((h) => !(h.kind === 'run.changed' && h.schedule.startsWith('core.'))).map((item) => item.kind),
    );
    expect(kinds).toEqual(new Set(['event.accepted', 'delivery.changed', 'module.changed']));
    const plain = items.find((item) => item.kind === 'event.accepted' && item.applicationName === 'plain');
    expect(plain).toMatchObject({
      type: 'deployment',
      deliveries: [expect.objectContaining({ module: 'note-taker' })],
    });
    const ofPlain = items.filter(
      (item) =>
        item.kind === 'delivery.changed' &&
        item.module === 'note-taker' &&
        plain?.kind === 'event.accepted' &&
        item.eventId === plain.eventId,
    );
    expect(ofPlain.map((item) => item.kind === 'delivery.changed' && item.status)).toEqual([
      'in_progress',
      'succeeded',
    ]);
    expect(
      items
        .filter((item) => item.kind === 'module.changed')
        .map((item) => item.kind === 'module.changed' && item.enabled),
    ).toEqual([false, true]);
  });

  it('stops the module once when the hub stops', async () => {
    await hub.stop();
    expect(noteTaker.seen.stopped).toBe(1);
    hub = undefined as unknown as TestHub;
  });
});
