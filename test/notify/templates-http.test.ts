import request, { type Response } from 'supertest';
import { SLACK_TEMPLATES } from '../../modules/slack/templates.js';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment, aspenRecommendation } from '../support/aspen.js';
import type { TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';
import { finishedDelivery, put, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN = 'notify-templates-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };

interface Answer {
  templates: Array<{
    provider: string;
    kind: string;
    source: string;
    template: string;
    default: string;
    stored: string | null;
  }>;
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

  it('lists every kind with its default (the built-in words as Liquid), the stored one beside it when there is one', async () => {
    const answer = await request(hub.url).get('/api/v1/notify/templates').expect(200);
    const templates = body(answer).templates;
    expect(templates.map((t) => `${t.provider}/${t.kind}:${t.source}`)).toEqual([
      'slack/deployment:default',
      'slack/removal:default',
      'slack/error:default',
      'slack/recommendation:default',
      'slack/alert:default',
      'slack/weekly:default',
    ]);
    for (const t of templates) expect(t).toMatchObject({ template: SLACK_TEMPLATES[t.kind as 'error'], stored: null });
    expect(templates[0]!.default).toBe(SLACK_TEMPLATES.deployment);

    await request(hub.url)
      .put('/api/v1/notify/templates/slack/error')
      .set(auth)
      .send({ template: 'Oops: {{ message }}' })
      .expect(200);
    const after = body(await request(hub.url).get('/api/v1/notify/templates').expect(200)).templates;
    expect(after.find((t) => t.kind === 'error')).toEqual({
      provider: 'slack',
      kind: 'error',
      source: 'stored',
      template: 'Oops: {{ message }}',
      default: SLACK_TEMPLATES.error,
      stored: 'Oops: {{ message }}',
    });
    await request(hub.url).delete('/api/v1/notify/templates/slack/error').set(auth).expect(200);
  });

  it('previews the default on a stored event as the words of the message that was posted for it', async () => {
    const id = await put(hub, 'deployment', aspenDeployment({ slackChannels: '#as-today', team: 'a & <b>' }));
    expect(await finishedDelivery(hub, id)).toMatchObject({ status: 'succeeded' });
    const [root] = fake.roots('#as-today');
    const preview = await request(hub.url)
      .post('/api/v1/notify/preview')
      .set(auth)
      .send({ provider: 'slack', kind: 'deployment', eventId: id })
      .expect(200);
    // The posted root's blocks, read as text: a section's text, a field a line, a context block's elements.
    const words = (root!.blocks as Array<Record<string, Json>>)
      .map((block) =>
        block.type === 'context'
          ? block.elements.map((element: { text: string }) => element.text).join(' ')
          : [block.text?.text, ...(block.fields ?? []).map((field: { text: string }) => field.text)]
              .filter((part) => typeof part === 'string')
              .join('\n'),
      )
      .join('\n\n');
    expect(body(preview)).toMatchObject({ text: words, warnings: [] });
    expect(body(preview).text).toContain('a &amp; &lt;b&gt;');
  });

  it("cuts a templated message to Slack's limits with a visible notice: it arrives, never refused", async () => {
    // The fake refuses what Slack refuses: more than 40,000 characters in all the blocks.
    const tooLong = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: '#oversized',
        text: 'x',
        blocks: Array.from({ length: 15 }, () => ({
          type: 'section',
          text: { type: 'mrkdwn', text: 'y'.repeat(2900) },
        })),
      }),
    });
    expect(await tooLong.json()).toEqual({ ok: false, error: 'msg_blocks_too_long' });

    // 45 lines of 1,000 characters (45,000 in all, past 40,000), then one line of 5,000 (past a section's 3,000).
    await request(hub.url)
      .put('/api/v1/notify/templates/slack/deployment')
      .set(auth)
      .send({
        template:
          '{% capture pad %}{% for i in (1..100) %}0123456789{% endfor %}{% endcapture %}' +
          '{% for i in (1..45) %}{{ applicationName }} {{ pad | slice: 0, 980 }}\n{% endfor %}',
      })
      .expect(200);
    const id = await put(hub, 'deployment', aspenDeployment({ slackChannels: '#oversized' }));
    expect(await finishedDelivery(hub, id)).toMatchObject({ status: 'succeeded' });
    const [root] = fake.roots('#oversized');
    const blocks = root!.blocks as Array<Record<string, Json>>;
    const total = blocks.reduce(
      (sum, block) =>
        sum +
        String(block.text?.text ?? '').length +
        (block.elements ?? []).reduce((n: number, element: { text: string }) => n + element.text.length, 0),
      0,
    );
    expect(total).toBeLessThanOrEqual(40_000);
    expect(blocks.at(-1)).toEqual({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: expect.stringMatching(/^…\(truncated\) \d+ more blocks? not shown$/) as string },
      ],
    });
    expect(blocks[0]!.text.text).toMatch(/^kth-azure-app 0123456789/);

    await request(hub.url)
      .put('/api/v1/notify/templates/slack/deployment')
      .set(auth)
      .send({ template: '{{ applicationName }} {% for i in (1..500) %}0123456789{% endfor %}' })
      .expect(200);
    const long = await put(hub, 'deployment', aspenDeployment({ slackChannels: '#long-line' }));
    expect(await finishedDelivery(hub, long)).toMatchObject({ status: 'succeeded' });
    const [line] = fake.roots('#long-line');
    const section = (line!.blocks as Array<Record<string, Json>>)[0]!.text.text as string;
    expect(section).toHaveLength(3000);
    expect(section.endsWith('…(truncated)')).toBe(true);
    await request(hub.url).delete('/api/v1/notify/templates/slack/deployment').set(auth).expect(200);
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
    // The built-in message, blocks and all (headline, fields, links), not the template's text.
    const [fallback] = fake.roots('#degraded');
    expect(fallback!.text).toMatch(/^2 replica\(s\) of \*Monitor application\* are being .* in \*active\*$/);
    expect((fallback!.blocks as Array<{ type: string; fields?: unknown[] }>).map((block) => block.type)).toEqual([
      'section',
      'section',
      'context',
    ]);
    await request(hub.url).delete('/api/v1/notify/templates/slack/deployment').set(auth).expect(200);
    await request(hub.url).delete('/api/v1/notify/templates/slack/deployment').set(auth).expect(404);
  });
});
