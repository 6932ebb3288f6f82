import request from 'supertest';
import { aspenDeployment, aspenError, aspenRecommendation, HOSTS_ENV } from '../../support/aspen.js';
import { databaseModule } from '../../../modules/database/index.js';
import { startTestHub, waitFor, type TestHub } from '../../support/hub.js';

describe('a deployment PUT by Aspen', () => {
  let hub: TestHub;

  beforeAll(async () => {
    // The database module alone: this is the foundation's path, without the integrations that call out.
    hub = await startTestHub({ env: HOSTS_ENV, modules: [databaseModule] });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('answers 200 with the event id and its URL, and shows up enriched in the history', async () => {
    const answer = await request(hub.url).put('/api/v1/deployment').send(aspenDeployment()).expect(200);
    expect(answer.body).toMatchObject({ type: 'deployment', status: 'accepted' });
    expect(answer.body.url).toBe(`${hub.url.replace('127.0.0.1', 'localhost')}/api/v1/events/${answer.body.id}`);

    const history = await waitFor(async () => {
      const res = await request(hub.url).get('/api/v1/deployments').expect(200);
      return res.body.deployments.length === 1 ? res.body : null;
    });
    expect(history.deployments[0]).toMatchObject({
      id: answer.body.id,
      applicationName: 'kth-azure-app',
      applicationPath: '/kth-azure-app',
      applicationUrl: 'https://app.example.test/kth-azure-app',
      monitorUrl: 'https://app.example.test/kth-azure-app/_monitor',
      aboutUrl: 'https://app.example.test/kth-azure-app/_about',
      importance: 'high',
      team: 'team-studadm',
      friendlyName: 'Monitor application',
      slackChannels: ['#developers', '#team-studadm'],
      replicas: 2,
      removal: false,
      monitorPattern: 'APPLICATION_STATUS: OK',
      createdAt: '2025-11-22T08:26:40.123Z',
    });
  });

  it('records the database module delivery as succeeded on the event', async () => {
    const answer = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: '2.0.12' }))
      .expect(200);
    const event = await waitFor(async () => {
      const res = await request(hub.url).get(`/api/v1/events/${answer.body.id}`).expect(200);
      return res.body.deliveries[0]?.status === 'succeeded' ? res.body : null;
    });
    expect(event.deliveries).toHaveLength(1);
    expect(event.deliveries[0]).toMatchObject({ module: 'database', status: 'succeeded', attempts: 1 });
    expect(event.deliveries[0].lifecycle.map((step: { status: string }) => step.status)).toEqual([
      'queued',
      'in_progress',
      'succeeded',
    ]);
    expect(event.raw).toMatchObject({ version: '2.0.12', importance: 'HIGH' });
  });

  it('keeps errors and recommendations too, raw and enriched', async () => {
    const error = (
      await request(hub.url)
        .put('/api/v1/error')
        .send(aspenError({ message: 'history: the build broke' }))
        .expect(200)
    ).body.id as string;
    const recommendation = (
      await request(hub.url)
        .put('/api/v1/recommendation')
        .send(aspenRecommendation({ message: 'history: upgrade node' }))
        .expect(200)
    ).body.id as string;
    const rows = await waitFor(async () => {
      const found = await hub.hub.db.query<{
        kind: string;
        event_id: string;
        message: string;
        raw: { message: string };
        enriched: { message: string };
      }>(
        `select 'error' as kind, event_id, message, raw, enriched from error_reports where event_id = $1
         union all select 'recommendation', event_id, message, raw, enriched from recommendations where event_id = $2 order by 1`,
        [error, recommendation],
      );
      return found.rows.length === 2 ? found.rows : null;
    });
    expect(rows.map((row) => [row.kind, row.event_id, row.message, row.raw.message, row.enriched.message])).toEqual([
      ['error', error, 'history: the build broke', 'history: the build broke', 'history: the build broke'],
      ['recommendation', recommendation, 'history: upgrade node', 'history: upgrade node', 'history: upgrade node'],
    ]);
  });
});
