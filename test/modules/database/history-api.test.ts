import request from 'supertest';
import { aspenDeployment, HOSTS_ENV } from '../../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../../support/hub.js';

describe('the deployment history API', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ env: HOSTS_ENV });
    const bodies = [
      aspenDeployment({ applicationName: 'app-a', cluster: 'active', version: '1', team: 'team-a' }),
      aspenDeployment({ applicationName: 'app-b', cluster: 'active', version: '1', team: 'team-b' }),
      aspenDeployment({ applicationName: 'app-a', cluster: 'stage', version: '2', team: 'team-a' }),
      aspenDeployment({ applicationName: 'app-a', cluster: 'active', version: '3', team: 'team-a' }),
      aspenDeployment({ applicationName: 'app-c', cluster: 'active', version: '1', team: 'team-c', replicas: 0 }),
    ];
    for (const body of bodies) await request(hub.url).put('/api/v1/deployment').send(body).expect(200);
    await waitFor(async () => {
      const res = await request(hub.url).get('/api/v1/deployments').expect(200);
      return res.body.deployments.length === 5;
    });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('lists newest first', async () => {
    const res = await request(hub.url).get('/api/v1/deployments').expect(200);
    expect(
      res.body.deployments.map(
        (d: { applicationName: string; version: string }) => `${d.applicationName}@${d.version}`,
      ),
    ).toEqual(['app-c@1', 'app-a@3', 'app-a@2', 'app-b@1', 'app-a@1']);
  });

  it('filters by cluster, applicationName and team', async () => {
    const res = await request(hub.url).get('/api/v1/deployments?cluster=active&applicationName=app-a').expect(200);
    expect(res.body.deployments.map((d: { version: string }) => d.version)).toEqual(['3', '1']);
    const team = await request(hub.url).get('/api/v1/deployments?team=team-b').expect(200);
    expect(team.body.deployments).toHaveLength(1);
  });

  it('filters by since', async () => {
    const future = await request(hub.url)
      .get(`/api/v1/deployments?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
      .expect(200);
    expect(future.body.deployments).toHaveLength(0);
    const past = await request(hub.url).get('/api/v1/deployments?since=1000000000').expect(200);
    expect(past.body.deployments).toHaveLength(5);
  });

  it('pages with a cursor without losing or repeating rows', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(hub.url)
        .get(`/api/v1/deployments?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      seen.push(...res.body.deployments.map((d: { id: string }) => d.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('serves the latest deployment of each application in a cluster', async () => {
    const res = await request(hub.url).get('/api/v1/deployments/latest?cluster=active').expect(200);
    expect(
      res.body.deployments
        .map((d: { applicationName: string; version: string }) => `${d.applicationName}@${d.version}`)
        .sort(),
    ).toEqual(['app-a@3', 'app-b@1', 'app-c@1']);
  });

  it('refuses bad parameters with 400 naming them', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['since=yesterday', 'since'],
      ['cursor=garbage', 'cursor'],
    ]) {
      const res = await request(hub.url).get(`/api/v1/deployments?${query}`).expect(400);
      expect(res.body.error.fields[0].field).toBe(field);
    }
    const latest = await request(hub.url).get('/api/v1/deployments/latest').expect(400);
    expect(latest.body.error.fields[0].field).toBe('cluster');
  });
});
