import request, { type Response } from 'supertest';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment, aspenRecommendation } from '../support/aspen.js';
import type { TestHub } from '../support/hub.js';
import { finishedDelivery, put, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN = 'notify-templates-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };

interface Answer {
  templates: Array<{ provider: string; kind: string; source: string; template?: string }>;
  text: string | null;
  warnings: string[];
  error: { fields?: Array<{ field: string }> };
}
const body = (answer: Response): Answer => answer.body as Answer;

describe('message templates (Liquid) per provider and kind', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { ADMIN_TOKEN: ADMIN } });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  it("lists every kind as the provider's built-in words until a template is stored", async () => {
    const answer = await request(hub.url).get('/api/v1/notify/templates').expect(200);
    expect(body(answer).templates.map((t) => `${t.provider}/${t.kind}:${t.source}`)).toEqual([
      'slack/deployment:built-in',
      'slack/removal:built-in',
      'slack/error:built-in',
      'slack/recommendation:built-in',
      'slack/alert:built-in',
      'slack/weekly:built-in',
    ]);
  });

  it('refuses a template that does not parse or render (no file system either), and unknown providers and kinds', async () => {
    for (const template of ['{{ team | nosuchfilter }}', '{% if %}', '{% include "/etc/passwd" %}']) {
      const answer = await request(hub.url)
        .put('/api/v1/notify/templates/slack/deployment')
        .set(auth)
        .send({ template });
      expect({ template, status: answer.status, fields: body(answer).error.fields?.map((f) => f.field) }).toEqual({
        template,
        status: 400,
        fields: ['template'],
      });
    }
    await request(hub.url)
      .put('/api/v1/notify/templates/teams/deployment')
      .set(auth)
      .send({ template: 'x' })
      .expect(404);
    await request(hub.url).put('/api/v1/notify/templates/slack/party').set(auth).send({ template: 'x' }).expect(404);
    await request(hub.url).put('/api/v1/notify/templates/slack/deployment').send({ template: 'x' }).expect(401);
  });

  it('words the message with the stored template, payload values escaped whatever the template does', async () => {
    await request(hub.url)
      .put('/api/v1/notify/templates/slack/deployment')
      .set(auth)
      .send({ template: ':rocket: *{{ applicationName }}* {{ version }} in {{ cluster }} for {{ team | raw }}' })
      .expect(200);
    const id = await put(
      hub,
      'deployment',
      aspenDeployment({ team: '<!channel> & co', slackChannels: '#templated', version: '1.2.3' }),
    );
    expect(await finishedDelivery(hub, id)).toMatchObject({ status: 'succeeded' });
    const [root] = fake.roots('#templated');
    expect(root!.text).toBe(':rocket: *kth-azure-app* 1.2.3 in active for &lt;!channel&gt; &amp; co');
    expect(root!.blocks).toEqual([
      {
        type: 'section',
        text: { type: 'mrkdwn', text: ':rocket: *kth-azure-app* 1.2.3 in active for &lt;!channel&gt; &amp; co' },
      },
    ]);
  });

  it('previews a template on a payload, and says when it fails', async () => {
    const ok = await request(hub.url)
      .post('/api/v1/notify/preview')
      .set(auth)
      .send({
        provider: 'slack',
        kind: 'recommendation',
        payload: aspenRecommendation(),
        template: '{{ message | upcase }}',
      })
      .expect(200);
    expect(body(ok)).toMatchObject({ text: 'CONSIDER UPGRADING NODE.JS TO 24', warnings: [] });
    const failing = await request(hub.url)
      .post('/api/v1/notify/preview')
      .set(auth)
      .send({
        provider: 'slack',
        kind: 'deployment',
        payload: aspenDeployment(),
        template: '{% for i in (1..replicas) %}{% for j in (1..1000000) %}x{% endfor %}{% endfor %}',
      })
      .expect(200);
    expect(body(failing).text).toBeNull();
    expect(body(failing).warnings[0]).toMatch(/^the template failed: .*limit/);
  });

  it('falls back to the built-in words when a template fails at send time, and marks the delivery degraded', async () => {
    // Renders nothing on the trial (no replicas there), and runs out of its memory limit on a real deployment.
    await request(hub.url)
      .put('/api/v1/notify/templates/slack/deployment')
      .set(auth)
      .send({ template: '{% for i in (1..replicas) %}{% for j in (1..1000000) %}x{% endfor %}{% endfor %}' })
      .expect(200);
    const id = await put(hub, 'deployment', aspenDeployment({ slackChannels: '#degraded' }));
    const delivery = await finishedDelivery(hub, id);
    expect(delivery.status).toBe('succeeded');
    const { degraded } = (delivery.result as { details: { degraded: { template: string; error: string } } }).details;
    expect(degraded.template).toBe('slack/deployment');
    expect(degraded.error).toMatch(/limit/);
    expect(fake.roots('#degraded')[0]!.text).toContain('are being deployed in');
    await request(hub.url).delete('/api/v1/notify/templates/slack/deployment').set(auth).expect(200);
    await request(hub.url).delete('/api/v1/notify/templates/slack/deployment').set(auth).expect(404);
  });
});
