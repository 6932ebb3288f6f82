import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';
import { openStream, type SseStream } from '../support/sse.js';

const parse = (data: string) => JSON.parse(data) as Record<string, unknown>;

describe('GET /api/v1/stream', () => {
  let first: TestHub;
  let second: TestHub;
  const streams: SseStream[] = [];
  const open = async (url: string, headers: Record<string, string> = {}) => {
    const stream = await openStream(`${url}/api/v1/stream`, headers);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    first = await startTestHub({ modules: [databaseModule] });
    second = await startTestHub({ modules: [databaseModule], databaseUrl: first.databaseUrl });
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
  });

  it('starts with `ready` carrying the current id, then sends what happens, named by kind, with ids from PostgreSQL', async () => {
    const stream = await open(first.url);
    expect(stream.status).toBe(200);
    const ready = await stream.next((message) => message.event === 'ready');
    const answer = await request(first.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'stream-1' }))
      .expect(200);
    const accepted = await stream.next(
      (message) => message.event === 'event.accepted' && parse(message.data).eventId === answer.body.id,
    );
    expect(parse(accepted.data)).toMatchObject({
      type: 'deployment',
      applicationName: 'kth-azure-app',
      cluster: 'active',
    });
    expect(BigInt(accepted.id!)).toBeGreaterThan(BigInt(ready.id!));
    const done = await stream.next(
      (message) =>
        message.event === 'delivery.changed' &&
        parse(message.data).eventId === answer.body.id &&
        parse(message.data).status === 'succeeded',
    );
    expect(parse(done.data)).toMatchObject({ module: 'database', eventType: 'deployment' });
    expect(BigInt(done.id!)).toBeGreaterThan(BigInt(accepted.id!));
  });

  it('carries what another replica saw: a deployment PUT to one hub reaches a stream open on the other', async () => {
    const stream = await open(second.url);
    await stream.next((message) => message.event === 'ready');
    const started = Date.now();
    const answer = await request(first.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'stream-replica' }))
      .expect(200);
    await stream.next(
      (message) => message.event === 'event.accepted' && parse(message.data).eventId === answer.body.id,
      1_000,
      'the other replica’s event within 1 s',
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('replays after Last-Event-ID exactly what was missed, in order, whichever replica wrote it', async () => {
    const before = await open(first.url);
    const ready = await before.next((message) => message.event === 'ready');
    before.close();
    const missed: string[] = [];
    for (const [index, hub] of [first, second, first].entries()) {
      const answer = await request(hub.url)
        .put('/api/v1/deployment')
        .send(aspenDeployment({ version: `missed-${index}` }))
        .expect(200);
      missed.push(answer.body.id);
    }
    const again = await open(second.url, { 'Last-Event-ID': ready.id! });
    for (const id of missed)
      await again.next((message) => message.event === 'event.accepted' && parse(message.data).eventId === id);
    const ids = again.messages.map((message) => BigInt(message.id!));
    expect(ids.every((id) => id > BigInt(ready.id!))).toBe(true);
    expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(again.messages.some((message) => message.event === 'ready')).toBe(false);
    const accepted = again.messages
      .filter((message) => message.event === 'event.accepted')
      .map((message) => parse(message.data).eventId);
    // Across replicas the feed's order is the order rows were written (each replica batches its own).
    expect(accepted.slice(0, 3).sort()).toEqual([...missed].sort());
  });

  it('takes the id from ?lastEventId= too (a fresh EventSource cannot set the header), the header winning', async () => {
    const stream = await open(first.url);
    const ready = await stream.next((message) => message.event === 'ready');
    stream.close();
    const answer = await request(first.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'query-id' }))
      .expect(200);
    const byQuery = await openStream(`${first.url}/api/v1/stream?lastEventId=${ready.id}`);
    streams.push(byQuery);
    await byQuery.next(
      (message) => message.event === 'event.accepted' && parse(message.data).eventId === answer.body.id,
    );
    const latest = byQuery.messages.at(-1)!.id!;
    const both = await openStream(`${first.url}/api/v1/stream?lastEventId=${ready.id}`, { 'Last-Event-ID': latest });
    streams.push(both);
    const marker = await request(first.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'query-id-2' }))
      .expect(200);
    await both.next((message) => message.event === 'event.accepted' && parse(message.data).eventId === marker.body.id);
    expect(
      both.messages.some(
        (message) => message.event === 'event.accepted' && parse(message.data).eventId === answer.body.id,
      ),
    ).toBe(false);
  });

  it('treats an id ahead of the feed (an emptied table) as now, and a garbage id as none', async () => {
    const ahead = await open(first.url, { 'Last-Event-ID': '999999999999' });
    const garbage = await open(first.url, { 'Last-Event-ID': 'not-an-id' });
    const answer = await request(first.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'ahead' }))
      .expect(200);
    for (const stream of [ahead, garbage]) {
      await stream.next(
        (message) => message.event === 'event.accepted' && parse(message.data).eventId === answer.body.id,
      );
    }
  });

  it('announces a module turned off and on', async () => {
    const stream = await open(first.url);
    await stream.next((message) => message.event === 'ready');
    first.hub.registry.disable('database');
    first.hub.registry.enable('database');
    await stream.next((message) => message.event === 'module.changed' && parse(message.data).enabled === false);
    await stream.next((message) => message.event === 'module.changed' && parse(message.data).enabled === true);
  });

  it('keeps an idle stream alive with a comment every 15 s', async () => {
    const stream = await open(second.url);
    await stream.next((message) => message.event === 'ready');
    const at = Date.now();
    await waitFor(() => /(^|\n):[^\n]*\n/.test(stream.raw()), 17_000, 'a keep-alive comment');
    expect(Date.now() - at).toBeGreaterThan(10_000);
  }, 25_000);
});

describe('the stream when the hub stops', () => {
  it('is ended at once, so stopping does not wait for open streams', async () => {
    const hub = await startTestHub({ modules: [databaseModule], env: { SHUTDOWN_TIMEOUT_MS: '20000' } });
    const stream = await openStream(`${hub.url}/api/v1/stream`);
    await stream.next((message) => message.event === 'ready');
    const started = Date.now();
    await hub.stop();
    await stream.closed;
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
