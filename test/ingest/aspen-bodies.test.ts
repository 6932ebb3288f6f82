import request from 'supertest';
import { MODULES } from '../../modules/index.js';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment, HOSTS_ENV } from '../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';
import { PythonLines, python3Version } from '../support/python-lines.js';

interface Example {
  name: string;
  type: 'deployment' | 'error' | 'recommendation';
  body?: Record<string, unknown>;
  refused?: string;
}

interface EventJson {
  type: string;
  payload: { replicas: unknown; removal: boolean };
  deliveries: { module: string; status: string }[];
}

/** Aspen gives up on the hub after 5 s and then reports a failed deployment. */
const ASPEN_TIMEOUT_MS = 5_000;

const python = python3Version();
const withPython = python ? describe : describe.skip;

withPython(
  `the bodies Aspen builds from its own test data (${python ?? 'skipped: python3 is not on the PATH'})`,
  () => {
    let hub: TestHub;
    let examples: Example[];

    beforeAll(async () => {
      hub = await startTestHub({ env: HOSTS_ENV, modules: [] });
      const aspen = new PythonLines('aspen_bodies.py');
      examples = (await aspen.ask<{ examples: Example[] }>({ op: 'examples' })).examples;
      await aspen.close();
    });
    afterAll(async () => {
      await hub?.stop();
    });

    it('are the deployments, errors and recommendations of its test data, "replicas" and "global" among them', () => {
      const deployments = examples.filter((example) => example.type === 'deployment' && example.body);
      expect(deployments.map((example) => example.body!.replicas)).toEqual(
        expect.arrayContaining(['replicas', 'global', 1]),
      );
      expect(examples.filter((example) => example.type === 'error')).toHaveLength(6);
      expect(examples.filter((example) => example.type === 'recommendation')).toHaveLength(2);
      // Aspen itself stops on this file (a label YAML reads as a mapping) and reports an error, not a deployment.
      expect(examples.filter((example) => example.refused).map((example) => example.name)).toEqual([
        'test/registry_repo/test_app_1/active/bad-docker-stack.yml (as written)',
        'test/registry_repo/test_app_1/active/bad-docker-stack.yml (global mode)',
      ]);
    });

    it.each(['put', 'post'] as const)(
      'are each accepted by %s with a 200 well within 5 s, and stored as sent',
      async (method) => {
        let slowest = 0;
        for (const example of examples) {
          if (!example.body) continue;
          const started = Date.now();
          const res = await request(hub.url)[method](`/api/v1/${example.type}`).send(example.body);
          slowest = Math.max(slowest, Date.now() - started);
          // The example's name and the hub's answer are in the failure message when this fails.
          expect({ example: example.name, status: res.status, answer: res.body as unknown }).toMatchObject({
            status: 200,
          });
          const stored = await request(hub.url)
            .get(`/api/v1/events/${(res.body as { id: string }).id}`)
            .expect(200);
          expect((stored.body as { raw: unknown }).raw).toEqual(example.body);
          if (example.type === 'deployment') {
            const { payload } = stored.body as EventJson;
            const replicas = example.body.replicas;
            expect(payload.replicas).toBe(
              replicas === 'global' || replicas === 'replicas' ? replicas : Number(replicas),
            );
            expect(payload.removal).toBe(false);
          }
        }
        // Half the timeout: room for a loaded CI machine, still far from the pipeline giving up.
        expect(slowest).toBeLessThan(ASPEN_TIMEOUT_MS / 2);
      },
    );
  },
);

describe('a global-mode service ("replicas": "global") through the whole hub', () => {
  const SLACK_TOKEN = 'xoxb-aspen-bodies-test-token';
  let slack: FakeSlack;
  let hub: TestHub;
  const ids: Record<'put' | 'post', string> = { put: '', post: '' };

  beforeAll(async () => {
    slack = await FakeSlack.start({ token: SLACK_TOKEN });
    hub = await startTestHub({
      modules: MODULES,
      env: {
        ...HOSTS_ENV,
        SLACK_TOKEN,
        SLACK_API_BASE_URL: slack.apiUrl,
        SLACK_CHANNELS: '#deployments',
        SLACK_PACE_MS: '50',
      },
    });
    for (const method of ['put', 'post'] as const) {
      const body = aspenDeployment({
        applicationName: `global-${method}`,
        replicas: 'global',
        publicNameEnglish: null,
      });
      const res = await request(hub.url)[method]('/api/v1/deployment').send(body).expect(200);
      ids[method] = (res.body as { id: string }).id;
    }
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    await slack?.close();
  });

  it.each(['put', 'post'] as const)(
    'is stored as a running service and delivered like any deployment (%s)',
    async (method) => {
      const event = await waitFor(async () => {
        const res = await request(hub.url).get(`/api/v1/events/${ids[method]}`).expect(200);
        const body = res.body as EventJson;
        const settled = ['database', 'slack'].every((module) =>
          body.deliveries.some((d) => d.module === module && d.status === 'succeeded'),
        );
        return settled ? body : null;
      }, 30_000);
      expect(event.type).toBe('deployment');
      expect(event.payload).toMatchObject({ replicas: 'global', removal: false });
    },
  );

  it('is announced in Slack as the original did: "global replica(s) of ... are being deployed"', async () => {
    // Both deployments, in #deployments and in their own two channels.
    const texts = await waitFor(() => {
      const found = slack.messages.map((message) => message.text);
      return Promise.resolve(found.length >= 6 ? found : null);
    }, 20_000);
    for (const text of texts) expect(text).toBe('global replica(s) of *Monitorapp* are being deployed in *active*');
  });

  it('shows "global" in the deployment history API and on the status page', async () => {
    const history = await waitFor(async () => {
      const res = await request(hub.url).get('/api/v1/deployments?applicationName=global-put').expect(200);
      return (res.body as { deployments: { replicas: unknown }[] }).deployments[0];
    });
    expect(history.replicas).toBe('global');
    const latest = await request(hub.url).get('/api/v1/deployments/latest?cluster=active').expect(200);
    expect((latest.body as { deployments: { applicationName: string; replicas: unknown }[] }).deployments).toEqual(
      expect.arrayContaining([expect.objectContaining({ applicationName: 'global-post', replicas: 'global' })]),
    );
    const page = await request(hub.url).get('/deployments').expect(200);
    // The row of global-put (up to its </tr>) holds the replicas cell "global".
    expect(page.text).toMatch(
      /<a href="\/applications\/global-put"(?:(?!<\/tr>)[\s\S])*<td data-label="replicas">global<\/td>/,
    );
  });

  it('counts as a deployment, not a removal, in the delivery insights', async () => {
    const res = await request(hub.url).get('/api/v1/insights?application=global-put').expect(200);
    const entry = (res.body as { applications: { application: string; deploymentFrequency: { n: number } }[] })
      .applications[0];
    expect(entry).toMatchObject({ application: 'global-put', deploymentFrequency: { n: 1 } });
  });
});
