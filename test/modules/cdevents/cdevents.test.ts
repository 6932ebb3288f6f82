import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { toCdEvent } from '../../../modules/cdevents/build.js';
import { cdeventsModule } from '../../../modules/cdevents/index.js';
import type { HubEvent, InspectionTransition } from '../../../src/events/types.js';
import { cdeventSchema } from '../../../src/ingest/sources/cdevents-schemas.js';
import { mapCdEvent } from '../../../src/ingest/sources/cdevents.js';
import { parseSources } from '../../../src/config/sources.js';
import { post } from '../../fakes/cdevents.js';
import { FakeCdEventsSink } from '../../fakes/cdevents-sink.js';
import { aspenDeployment, aspenError } from '../../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../../support/hub.js';
import type { Json } from '../../support/json.js';

const SINK_TOKEN = 'sink-bearer-token-0123456789';

/** The hub's deployments, errors and alerts sent as CDEvents: checked against the hub's own CDEvents schemas. */
describe('cdevents module', () => {
  let sink: FakeCdEventsSink;
  let hub: TestHub;

  beforeAll(async () => {
    sink = await FakeCdEventsSink.start({ token: SINK_TOKEN });
    hub = await startTestHub({
      modules: [cdeventsModule],
      env: { CDEVENTS_SINK_URL: sink.url, CDEVENTS_SINK_TOKEN: SINK_TOKEN, CDEVENTS_SOURCE: '/alvares/test' },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await sink.close();
  });

  const sunk = (eventId: string) =>
    waitFor(
      () => Promise.resolve(sink.events.find((event) => event.attributes.id === eventId)),
      10_000,
      `the CloudEvent ${eventId}`,
    );
  const kind = (type: string) => type.split('.').slice(2, 4).join('.');

  it('sends a deployment as service.deployed the hub itself reads back as the same deployment', async () => {
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: 'sent-app', version: '3.1.4', imageName: 'kth/sent-app' }))
      .expect(200);
    const event = await sunk(res.body.id);
    expect(event.mode).toBe('structured');
    expect(event.headers.authorization).toBe(`Bearer ${SINK_TOKEN}`);
    expect(event.attributes).toMatchObject({
      specversion: '1.0',
      id: res.body.id,
      source: '/alvares/test',
      type: 'dev.cdevents.service.deployed.0.3.0',
      subject: 'service/sent-app',
      datacontenttype: 'application/json',
      alvaresevent: res.body.id,
    });
    expect(cdeventSchema('service.deployed', 'v05').safeParse(event.data).success).toBe(true);
    expect(event.data.subject.content.artifactId).toBe('pkg:oci/sent-app?repository_url=kth%2Fsent-app&tag=3.1.4');
    const back = mapCdEvent({ ...event.attributes, data: event.data, extensions: {} } as Json, parseSources({}).value);
    expect(back).toMatchObject({
      kind: 'deployment',
      body: { applicationName: 'sent-app', cluster: 'active', version: '3.1.4' },
    });
  });

  it('sends rollbacks, removals and errors as their CDEvent types, each valid', async () => {
    const put = (path: string, body: object) => request(hub.url).put(path).send(body).expect(200);
    await put('/api/v1/deployment', aspenDeployment({ applicationName: 'types-app', version: '2.0.0' }));
    const rollback = await put(
      '/api/v1/deployment',
      aspenDeployment({ applicationName: 'types-app', version: '1.9.0' }),
    );
    const removal = await put(
      '/api/v1/deployment',
      aspenDeployment({ applicationName: 'types-app', version: '1.9.0', replicas: 0 }),
    );
    const error = await put('/api/v1/error', aspenError({ applicationName: 'types-app', cluster: 'active' }));
    for (const [id, type] of [
      [rollback.body.id, 'dev.cdevents.service.rolledback.0.3.0'],
      [removal.body.id, 'dev.cdevents.service.removed.0.3.0'],
      [error.body.id, 'dev.cdevents.incident.detected.0.3.0'],
    ] as const) {
      const event = await sunk(id);
      expect(event.attributes.type).toBe(type);
      const parsed = cdeventSchema(kind(type), 'v05').safeParse(event.data);
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
    expect((await sunk(rollback.body.id)).data.customData).toMatchObject({ rolledBackFrom: '2.0.0' });
  });

  it('does not take its own event back when a sink hands it to the hub, but takes another hub’s', async () => {
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: 'echo-app', version: '1.0.0' }))
      .expect(200);
    const event = await sunk(res.body.id);
    const count = async () =>
      (await hub.hub.db.query<{ n: number }>('select count(*)::int as n from events')).rows[0]!.n;
    const before = await count();
    const echoed = await post(`${hub.url}/api/v1/cdevents`, JSON.stringify({ ...event.attributes, data: event.data }), {
      'Content-Type': 'application/cloudevents+json',
    });
    expect(echoed.status).toBe(202);
    expect(echoed.body).toMatchObject({ status: 'ignored' });
    expect(await count()).toBe(before);

    const otherHub = { ...event.attributes, id: randomUUID(), alvaresevent: randomUUID() };
    const data = { ...event.data, context: { ...event.data.context, id: otherHub.id } };
    const taken = await post(`${hub.url}/api/v1/cdevents`, JSON.stringify({ ...otherHub, data }), {
      'Content-Type': 'application/cloudevents+json',
    });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ type: 'deployment', source: 'cdevents' });
  });

  it('retries a sink that fails, sending the same CloudEvent id again', async () => {
    await waitForQuiet(hub);
    sink.failNext(1, 503);
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: 'retry-app', version: '1.0.0' }))
      .expect(200);
    await sunk(res.body.id);
    const delivery = await waitFor(async () => {
      const event = (await request(hub.url).get(`/api/v1/events/${res.body.id}`).expect(200)).body;
      return event.deliveries.find((d: { status: string }) => d.status === 'succeeded');
    });
    expect(delivery.attempts).toBe(2);
  });
});

describe('cdevents module in binary mode', () => {
  let sink: FakeCdEventsSink;
  let hub: TestHub;
  beforeAll(async () => {
    sink = await FakeCdEventsSink.start();
    hub = await startTestHub({
      modules: [cdeventsModule],
      env: { CDEVENTS_SINK_URL: sink.url, CDEVENTS_MODE: 'binary' },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await sink.close();
  });

  it('puts the attributes in ce-* headers, percent-encoding what a header cannot carry', async () => {
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ applicationName: 'binary app ü', version: '1.0 beta "ü"' }))
      .expect(200);
    const event = await waitFor(() => Promise.resolve(sink.events.find((e) => e.attributes.id === res.body.id)));
    expect(event.mode).toBe('binary');
    expect(event.headers['ce-source']).toBe(hub.hub.config.publicUrl);
    expect(event.headers['ce-subject']).toBe('service/binary%20app%20%C3%BC');
    expect(event.attributes.subject).toBe('service/binary app ü');
    expect(event.attributes).toMatchObject({ specversion: '1.0', type: 'dev.cdevents.service.deployed.0.3.0' });
    // Enrichment drops the double quotes from the version, as the original did; the rest is percent-encoded.
    expect(event.data.subject.content.artifactId).toBe('pkg:oci/kth-azure-app?tag=1.0%20beta%20%C3%BC');
    expect(event.data.context.id).toBe(res.body.id);
  });
});

describe('CDEvents of inspection transitions', () => {
  it('makes an alert an incident detected and a recovery an incident resolved, both valid', () => {
    const transition = (name: 'alert' | 'recovered'): HubEvent<'inspection'> => ({
      id: randomUUID(),
      type: 'inspection',
      parentId: null,
      raw: null,
      receivedAt: new Date().toISOString(),
      payload: {
        check: 'endpoints.health',
        kind: 'inspection',
        key: 'endpoints.health{application=kth-azure-app,cluster=active}',
        dimensions: { application: 'kth-azure-app', cluster: 'active' },
        transition: name,
        status: name === 'alert' ? 'error' : 'ok',
        previousStatus: name === 'alert' ? 'ok' : 'error',
        since: new Date().toISOString(),
        durationMs: 0,
        title: 'kth-azure-app (active): keyword missing',
        message: '',
        link: 'https://hub.example.test/checks/endpoints.health',
        slackChannels: [],
        runId: randomUUID(),
        at: new Date().toISOString(),
      } satisfies InspectionTransition,
    });
    const alert = toCdEvent(transition('alert'), '/hub', 'https://hub.example.test/api/v1/events/x')!;
    const recovered = toCdEvent(transition('recovered'), '/hub', 'https://hub.example.test/api/v1/events/y')!;
    expect(alert.context.type).toBe('dev.cdevents.incident.detected.0.3.0');
    expect(recovered.context.type).toBe('dev.cdevents.incident.resolved.0.3.0');
    expect(cdeventSchema('incident.detected', 'v05').safeParse(alert).success).toBe(true);
    expect(cdeventSchema('incident.resolved', 'v05').safeParse(recovered).success).toBe(true);
    expect(alert.subject.content).toMatchObject({
      environment: { id: 'active' },
      service: { id: 'service/kth-azure-app' },
    });
  });
});
