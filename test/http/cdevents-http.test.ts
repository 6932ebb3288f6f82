import { randomUUID } from 'node:crypto';
import {
  cdevent,
  cloudEventOf,
  pipelineRunFinished,
  post,
  sendBatch,
  sendBinary,
  sendStructured,
  serviceEvent,
  serviceRemoved,
} from '../fakes/cdevents.js';
import { HOSTS_ENV } from '../support/aspen.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';

/**
 * POST /api/v1/cdevents over HTTP: CloudEvents 1.0 in structured, binary and batched mode carrying CDEvents of
 * spec v0.4 and v0.5, made into the hub's deployments, errors and kept CDEvents; bad input refused by name with
 * nothing stored.
 */
describe('POST /api/v1/cdevents', () => {
  let hub: TestHub;
  let url: string;

  beforeAll(async () => {
    hub = await startTestHub({
      env: { ...HOSTS_ENV, ENVIRONMENT_CLUSTERS: 'production:active,staging:stage' },
      modules: [],
    });
    url = `${hub.url}/api/v1/cdevents`;
  });
  afterAll(async () => {
    await hub.stop();
  });

  async function event(id: string): Promise<Json> {
    const response = await fetch(`${hub.url}/api/v1/events/${id}`);
    expect(response.status).toBe(200);
    return response.json();
  }

  async function eventCount(): Promise<number> {
    const rows = await hub.hub.db.query<{ n: number }>('select count(*)::int as n from events');
    return rows.rows[0]!.n;
  }

  it('makes a structured v0.5 service.deployed an enriched deployment from the cdevents source', async () => {
    const body = serviceEvent(
      'deployed',
      { name: 'kth-azure-app', version: '2.1.0', environment: 'production' },
      { customData: { applicationPath: '/kth-azure-app', slackChannels: '#team-studadm', importance: 'high' } },
    );
    const res = await sendStructured(url, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'deployment', source: 'cdevents', status: 'accepted' });
    const stored = await event(res.body.id);
    expect(stored.source).toBe('cdevents');
    expect(stored.payload).toMatchObject({
      applicationName: 'kth-azure-app',
      cluster: 'active',
      version: '2.1.0',
      imageName: 'kth-azure-app',
      replicas: null,
      removal: false,
      rollback: false,
      slackChannels: ['#team-studadm'],
      importance: 'high',
      applicationUrl: 'https://app.example.test/kth-azure-app',
      monitorUrl: 'https://app.example.test/kth-azure-app/_monitor',
    });
    expect(stored.raw).toMatchObject({ specversion: '1.0', type: 'dev.cdevents.service.deployed.0.3.0', data: body });
  });

  it('makes a binary-mode v0.4 service.upgraded a deployment, the cluster mapped from the environment id', async () => {
    const body = serviceEvent(
      'upgraded',
      { name: 'lms-web', version: '1.4.0', environment: 'staging' },
      { spec: '0.4' },
    );
    const res = await sendBinary(url, body);
    expect(res.status).toBe(200);
    const stored = await event(res.body.id);
    expect(stored.payload).toMatchObject({ applicationName: 'lms-web', cluster: 'stage', version: '1.4.0' });
    expect(stored.raw).toMatchObject({ specversion: '1.0', subject: 'service/lms-web', data: body });
  });

  it('makes service.removed a removal and keeps an unmapped environment id as the cluster', async () => {
    const res = await sendStructured(url, serviceRemoved({ name: 'old-app', environment: 'integral' }));
    expect(res.status).toBe(200);
    const stored = await event(res.body.id);
    expect(stored.payload).toMatchObject({
      applicationName: 'old-app',
      cluster: 'integral',
      removal: true,
      version: null,
    });
  });

  it('answers a repeat of the same CloudEvent source and id with the first event, storing nothing more', async () => {
    const body = serviceEvent('deployed', { name: 'repeat-app', version: '1.0.0', environment: 'production' });
    const first = await sendStructured(url, body);
    const before = await eventCount();
    const again = await sendBinary(url, body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, status: 'duplicate', deliveries: [] });
    expect(await eventCount()).toBe(before);
  });

  it('makes a failed pipeline run an error with its log URL; a successful one is kept and answered 202', async () => {
    const failed = await sendStructured(
      url,
      pipelineRunFinished({ name: 'deploy-lms', outcome: 'failure', errors: 'step deploy: exit 1\nmore detail' }),
    );
    expect(failed.status).toBe(200);
    expect((await event(failed.body.id)).payload).toMatchObject({
      message: 'Pipeline run deploy-lms ended with failure: step deploy: exit 1',
      stackTrace: 'step deploy: exit 1\nmore detail',
      logUrl: 'https://tekton.example.test/runs/deploy-lms',
    });
    const v04 = await sendBinary(url, pipelineRunFinished({ name: 'nightly', outcome: 'error' }, { spec: '0.4' }));
    expect((await event(v04.body.id)).payload).toMatchObject({ logUrl: 'https://tekton.example.test/runs/nightly' });

    const succeeded = await sendStructured(url, pipelineRunFinished({ name: 'deploy-lms', outcome: 'success' }));
    expect(succeeded.status).toBe(202);
    const kept = await event(succeeded.body.id);
    expect(kept.type).toBe('cdevent');
    expect(kept.deliveries).toEqual([]);
    expect(kept.payload).toMatchObject({ cdeventType: 'dev.cdevents.pipelinerun.finished.0.3.0', outcome: 'success' });
  });

  it('keeps other CDEvent types visible in the events API, routed nowhere (202)', async () => {
    const published = cdevent('artifact.published', 'artifact', {}, { subjectId: 'pkg:oci/lms-web@sha256%3Aabc' });
    const res = await sendStructured(url, published);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ type: 'cdevent', deliveries: [] });
    expect((await event(res.body.id)).payload).toMatchObject({
      cdeventType: 'dev.cdevents.artifact.published.0.3.0',
      subjectId: 'pkg:oci/lms-web@sha256%3Aabc',
      specVersion: '0.5.0',
    });
  });

  it('takes a batch: one answer per CloudEvent, in order', async () => {
    const res = await sendBatch(url, [
      serviceEvent('deployed', { name: 'batch-app', version: '3.0.0', environment: 'production' }),
      pipelineRunFinished({ name: 'batch-run', outcome: 'failure' }),
      cdevent('pipelinerun.started', 'pipelineRun', { pipelineName: 'batch-run' }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.events.map((one: { type: string; status: string }) => [one.type, one.status])).toEqual([
      ['deployment', 'accepted'],
      ['error', 'accepted'],
      ['cdevent', 'accepted'],
    ]);
  });

  describe('refuses bad input by name, storing nothing', () => {
    let before: number;
    beforeEach(async () => {
      before = await eventCount();
    });
    afterEach(async () => {
      expect(await eventCount()).toBe(before);
    });

    const good = () => serviceEvent('deployed', { name: 'bad-input-app', version: '1.0.0', environment: 'production' });

    it('415 for a body that is not JSON', async () => {
      const res = await post(url, 'specversion=1.0', { 'Content-Type': 'text/plain' });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('HUB_ERR_UNSUPPORTED_MEDIA_TYPE');
    });

    it('400 naming specversion for a CloudEvents version other than 1.0, in either mode', async () => {
      const structured = { ...cloudEventOf(good()), specversion: '0.3' };
      const res = await post(url, JSON.stringify(structured), { 'Content-Type': 'application/cloudevents+json' });
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toEqual([
        { field: 'specversion', message: 'unsupported CloudEvents specversion "0.3"; this hub reads 1.0' },
      ]);
      const binary = await sendBinary(url, good(), { headers: { 'ce-specversion': '0.3' } });
      expect(binary.status).toBe(400);
      expect(binary.body.error.fields[0].field).toBe('ce-specversion');
    });

    it('400 for plain JSON without ce-* headers, saying how to send it', async () => {
      const res = await post(url, JSON.stringify(good()), { 'Content-Type': 'application/json' });
      expect(res.status).toBe(400);
      expect(res.body.error.fields[0]).toEqual({
        field: 'ce-specversion',
        message: expect.stringContaining('application/cloudevents+json'),
      });
    });

    it('400 when the body is not the event its headers claim', async () => {
      const res = await sendBinary(url, good(), { headers: { 'ce-type': 'dev.cdevents.service.removed.0.3.0' } });
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toEqual([
        {
          field: 'data.context.type',
          message:
            'is "dev.cdevents.service.deployed.0.3.0" but the CloudEvent\'s type is "dev.cdevents.service.removed.0.3.0"',
        },
      ]);
    });

    it('400 naming the CDEvent field the spec requires', async () => {
      const body = good();
      delete (body.subject as Json).content.artifactId;
      const res = await sendStructured(url, body);
      expect(res.status).toBe(400);
      expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['data.subject.content.artifactId']);

      const v04 = serviceEvent('deployed', { name: 'x', version: '1', environment: 'production' }, { spec: '0.4' });
      delete (v04.subject as Json).type;
      const missingType = await sendStructured(url, v04);
      expect(missingType.status).toBe(400);
      expect(missingType.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['data.subject.type']);

      const noVersion = good();
      delete (noVersion.context as Json).specversion;
      const res2 = await sendStructured(url, noVersion);
      expect(res2.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['data.context.specversion']);

      const v1 = good();
      (v1.context as Json).specversion = '1.0.0';
      const res3 = await sendStructured(url, v1);
      expect(res3.status).toBe(400);
      expect(res3.body.error.fields[0].message).toMatch(/unsupported CDEvents spec version "1.0.0"/);
    });

    it('400 naming the customData field that carried a bad value', async () => {
      const res = await sendStructured(
        url,
        serviceEvent(
          'deployed',
          { name: 'x', version: '1', environment: 'production' },
          { customData: { slackChannels: '#team\u0000x' } },
        ),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.fields[0].field).toBe('data.customData.slackChannels');
    });

    it('400 naming the CloudEvent of a batch that is wrong; none of the batch is stored', async () => {
      const res = await sendBatch(url, [good(), pipelineRunFinished({ name: 'r', outcome: 'exploded' })]);
      expect(res.status).toBe(400);
      expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
        '[1].data.subject.content.outcome',
      ]);
      const badTime = { ...cloudEventOf(good()), time: 'yesterday' };
      const res2 = await post(url, JSON.stringify([cloudEventOf(good()), badTime]), {
        'Content-Type': 'application/cloudevents-batch+json',
      });
      expect(res2.body.error.fields).toEqual([{ field: '[1].time', message: 'expected an RFC 3339 time' }]);
    });

    it('415 for structured data that is not JSON, 400 for data_base64', async () => {
      const ce = { ...cloudEventOf(good()), datacontenttype: 'application/xml' };
      const res = await post(url, JSON.stringify(ce), { 'Content-Type': 'application/cloudevents+json' });
      expect(res.status).toBe(415);
      const base64: Record<string, unknown> = { ...cloudEventOf(good()), data_base64: 'e30=' };
      delete base64.data;
      const res2 = await post(url, JSON.stringify(base64), { 'Content-Type': 'application/cloudevents+json' });
      expect(res2.status).toBe(400);
      expect(res2.body.error.fields[0].field).toBe('data_base64');
    });

    it('400 for a CloudEvent that is not a CDEvent', async () => {
      const ce = { specversion: '1.0', id: randomUUID(), source: '/x', type: 'com.example.thing', data: {} };
      const res = await post(url, JSON.stringify(ce), { 'Content-Type': 'application/cloudevents+json' });
      expect(res.status).toBe(400);
      expect(res.body.error.fields[0].field).toBe('type');
    });
  });
});

describe('POST /api/v1/cdevents with ingest credentials', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ env: { INGEST_TOKENS: 'tekton:tekton-token-0123456789' }, modules: [] });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('needs a token of INGEST_TOKENS like every ingest route, and records the sender', async () => {
    const body = serviceEvent('deployed', { name: 'secured', version: '1.0.0', environment: 'production' });
    const refused = await sendStructured(`${hub.url}/api/v1/cdevents`, body);
    expect(refused.status).toBe(401);
    const accepted = await sendStructured(`${hub.url}/api/v1/cdevents`, body, {
      headers: { Authorization: 'Bearer tekton-token-0123456789' },
    });
    expect(accepted.status).toBe(200);
    const stored = await (await fetch(`${hub.url}/api/v1/events/${accepted.body.id}`)).json();
    expect(stored).toMatchObject({ sender: 'tekton', source: 'cdevents' });
  });
});
