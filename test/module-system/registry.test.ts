import { Bus } from '../../src/bus/bus.js';
import { createLogger } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redact.js';
import type { HubEvent } from '../../src/events/types.js';

const logger = createLogger({ level: 'error', redactor: new Redactor(), silent: true });

function event(): HubEvent<'recommendation'> {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    type: 'recommendation',
    payload: { message: 'm', slackChannels: [], applicationName: null, team: null },
    receivedAt: new Date().toISOString(),
    parentId: null,
    raw: null,
  };
}

const context = { deliveryId: 'd', attempt: 1, signal: new AbortController().signal, logger };

describe('the bus', () => {
  it('records which module owns each handler', () => {
    const bus = new Bus(logger);
    bus.scopedTo('a').on('recommendation', () => undefined);
    bus.scopedTo('b').on('deployment', () => undefined);
    expect(bus.subscribersOf('recommendation')).toEqual(['a']);
    expect(bus.subscriptionsOf('b')).toEqual(['deployment']);
  });

  it('refuses a second handler for the same module and type', () => {
    const bus = new Bus(logger);
    const scoped = bus.scopedTo('a');
    scoped.on('error', () => undefined);
    expect(() => scoped.on('error', () => undefined)).toThrow(/twice/);
  });

  it("keeps one module's failure from touching another's delivery and counts it", async () => {
    const bus = new Bus(logger);
    bus.scopedTo('broken').on('recommendation', () => {
      throw new Error('kaput');
    });
    bus.scopedTo('fine').on('recommendation', () => ({ summary: 'done' }));
    const failures: string[] = [];
    bus.onLifecycle('handler-error', (failure) => failures.push(failure.module));

    await expect(bus.deliver('broken', event(), context)).rejects.toThrow('kaput');
    await expect(bus.deliver('fine', event(), context)).resolves.toEqual({ summary: 'done' });
    expect(bus.failureCount('broken', 'recommendation')).toBe(1);
    expect(bus.failureCount('fine', 'recommendation')).toBe(0);
    expect(failures).toEqual(['broken']);
  });

  it('isolates lifecycle listeners: one throwing does not stop the next', () => {
    const bus = new Bus(logger);
    const seen: string[] = [];
    bus.onLifecycle('delivery', () => {
      throw new Error('listener bug');
    });
    bus.onLifecycle('delivery', (change) => seen.push(change.status));
    bus.notify('delivery', { deliveryId: 'd', eventId: 'e', eventType: 'error', module: 'm', status: 'queued', attempts: 0, at: '' });
    expect(seen).toEqual(['queued']);
  });

  it('forgets a handler on unsubscribe', () => {
    const bus = new Bus(logger);
    const scoped = bus.scopedTo('a');
    scoped.on('error', () => undefined);
    scoped.off('error');
    expect(bus.isSubscribed('a', 'error')).toBe(false);
  });
});
