import type { Deployment } from '../../../src/events/enrich.js';
import type { CheckFinished } from '../../../src/events/types.js';
import { parseCoreConfig } from '../../../src/config/config.js';
import { validateAndEnrich } from '../../../src/ingest/ingest.js';
import {
  formatDeploymentMessage,
  formatErrorMessage,
  formatOutcomeLine,
  formatOutcomeReply,
  formatRecommendationMessage,
  formatStatusLine,
  historyUrl,
  withStatusLine,
} from '../../../modules/slack/messages.js';
import { aspenDeployment, aspenError, aspenRecommendation, HOSTS_ENV } from '../../support/aspen.js';
import type { Json } from '../../support/json.js';

const config = (() => {
  const parsed = parseCoreConfig(HOSTS_ENV);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value;
})();
const links = { publicUrl: 'https://hub.example.test', eventId: '11111111-2222-4333-8444-555555555555' };
const EVENT_LINK = '<https://hub.example.test/api/v1/events/11111111-2222-4333-8444-555555555555|Event>';

function deployment(overrides: Record<string, unknown> = {}): Deployment {
  return validateAndEnrich('deployment', aspenDeployment(overrides), config);
}

/** Every text a reader could see: fallback, section texts and fields, context elements. */
function allTexts(message: { text: string; blocks: unknown[] }): string[] {
  const texts = [message.text];
  for (const block of message.blocks as Array<Record<string, Json>>) {
    if (block.text?.text) texts.push(block.text.text);
    for (const field of block.fields ?? []) texts.push(field.text);
    for (const element of block.elements ?? []) texts.push(element.text);
  }
  return texts;
}

describe('the deployment message', () => {
  it('says how many replicas of which application go to which cluster, with facts and links', () => {
    expect(formatDeploymentMessage(deployment(), links)).toEqual({
      text: '2 replica(s) of *Monitor application* are being deployed in *active*',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '2 replica(s) of *Monitor application* are being deployed in *active*' },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Application*\nkth-azure-app' },
            { type: 'mrkdwn', text: '*Version*\n2.0.11_abc123' },
            { type: 'mrkdwn', text: '*Image*\nkth-azure-app:2.0.11_abc123' },
            { type: 'mrkdwn', text: '*Team*\nteam-studadm' },
            { type: 'mrkdwn', text: '*Importance*\nhigh' },
          ],
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: [
                '<https://app.example.test/kth-azure-app|Application>',
                '<https://app.example.test/kth-azure-app/_monitor|Monitor>',
                '<https://graylog.example.test/search?rangetype=relative&amp;fields=message%2Csource&amp;width=2560&amp;highlightMessage=&amp;relative=3600&amp;q=source%3Aactive+AND+image_name%3A/.%2Akth-azure-app%3A2.0.11_abc123.%2A/|Logs>',
                '<https://hub.example.test/api/v1/deployments?applicationName=kth-azure-app&amp;cluster=active|History>',
                EVENT_LINK,
              ].join(' · '),
            },
          ],
        },
      ],
    });
  });

  it('says "global replica(s)" for a global-mode service, as the original did, with its links', () => {
    const message = formatDeploymentMessage(deployment({ replicas: 'global' }), links);
    expect(message.text).toBe('global replica(s) of *Monitor application* are being deployed in *active*');
    expect(allTexts(message).join('\n')).toContain('|Application>');
  });

  it('escapes replicas sent as text, like every other text from the payload', () => {
    const message = formatDeploymentMessage(deployment({ replicas: '<!channel> & <@U1>' }), links);
    expect(message.text).toBe(
      '&lt;!channel&gt; &amp; &lt;@U1&gt; replica(s) of *Monitor application* are being deployed in *active*',
    );
  });

  it('says "Started removing" for zero replicas, without application and monitor links', () => {
    const message = formatDeploymentMessage(deployment({ replicas: 0 }), links);
    expect(message.text).toBe('Started removing *Monitor application* from *active*');
    expect(message.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Started removing *Monitor application* from *active*' },
    });
    const linkLine = (message.blocks[2] as { elements: Array<{ text: string }> }).elements[0]!.text;
    expect(linkLine).not.toContain('|Application>');
    expect(linkLine).not.toContain('|Monitor>');
    expect(linkLine).toContain('|History>');
  });

  it('says a rollback was rolled back from which version to which, escaped', () => {
    const rollback = { ...deployment({ version: '2.0.0' }), rollback: true, rolledBackFrom: '2.1.0<b>' };
    expect(formatDeploymentMessage(rollback, links).text).toBe(
      '2 replica(s) of *Monitor application* are being rolled back from *2.1.0&lt;b&gt;* to *2.0.0* in *active*',
    );
    const told = { ...deployment({ version: 'build-6' }), rollback: true, rolledBackFrom: null, replicas: null };
    expect(formatDeploymentMessage(told, links).text).toBe(
      '*Monitor application* is being rolled back to *build-6* in *active*',
    );
  });

  it('gives no replica count for a source that sent none', () => {
    expect(formatDeploymentMessage({ ...deployment(), replicas: null }, links).text).toBe(
      '*Monitor application* is being deployed in *active*',
    );
  });

  it('leaves out what the deployment does not have (no path, no cluster, no log host)', () => {
    const bare = deployment({
      applicationPath: null,
      cluster: null,
      version: null,
      imageName: null,
      team: null,
      slackChannels: null,
    });
    const message = formatDeploymentMessage(bare, links);
    expect(message.text).toBe('2 replica(s) of *Monitor application* are being deployed in *an unknown cluster*');
    expect(message.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Application*\nkth-azure-app' },
        { type: 'mrkdwn', text: '*Importance*\nhigh' },
      ],
    });
    expect(message.blocks[2]).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `<https://hub.example.test/api/v1/deployments?applicationName=kth-azure-app|History> · ${EVENT_LINK}`,
        },
      ],
    });
  });

  it('escapes hostile names so they neither ping nor link', () => {
    const hostile = deployment({
      applicationName: 'app<!channel>',
      publicNameEnglish: '<!channel> <https://evil.example|click me> & <@U123>',
      version: '<!here>',
    });
    const texts = allTexts(formatDeploymentMessage(hostile, links));
    for (const text of texts) {
      expect(text).not.toMatch(/<!channel>|<!here>|<@U123>|<https:\/\/evil/);
    }
    expect(texts[0]).toBe(
      '2 replica(s) of *&lt;!channel&gt; &lt;https://evil.example|click me&gt; &amp; &lt;@U123&gt;* are being deployed in *active*',
    );
    expect(texts.join('\n')).toContain('applicationName=app%3C%21channel%3E');
  });

  it('builds the history link with the query encoded', () => {
    expect(historyUrl('https://hub.example.test', 'a b&c', 'stage')).toBe(
      'https://hub.example.test/api/v1/deployments?applicationName=a+b%26c&cluster=stage',
    );
  });
});

describe('the error message', () => {
  it('shows the message in bold, the stack trace in a code block, and where it came from', () => {
    const error = validateAndEnrich(
      'error',
      aspenError({ applicationName: 'kth-azure-app', cluster: 'active' }),
      config,
    );
    expect(formatErrorMessage(error, links)).toEqual({
      text: 'Error: Deployment of kth-azure-app failed: image not found',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*Deployment of kth-azure-app failed: image not found*' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '```\nTraceback (most recent call last):\n  File "deploy.py", line 12\n```' },
        },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: `*Application:* kth-azure-app · *Cluster:* active · ${EVENT_LINK}` }],
        },
      ],
    });
  });

  it('bolds a multi-line message line by line and says how many repeats a storm summary folded in', () => {
    const error = {
      ...validateAndEnrich('error', aspenError({ stackTrace: null }), config),
      message: 'Disk <full>\n(repeated 4 more times within 5 min)',
      repeats: { count: 4, firstEventId: '99999999-2222-4333-8444-555555555555', windowSeconds: 300 },
    };
    const message = formatErrorMessage(error, links);
    expect(message.blocks).toEqual([
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*Disk &lt;full&gt;*\n*(repeated 4 more times within 5 min)*' },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Repeated 4 more times within 5 min, folded into this message · <https://hub.example.test/api/v1/events/99999999-2222-4333-8444-555555555555|first report>',
          },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: EVENT_LINK }] },
    ]);
  });

  it('cuts a huge message and stack trace to Slack limits with the note visible', () => {
    const error = validateAndEnrich(
      'error',
      aspenError({ message: 'm'.repeat(10_000), stackTrace: 'at x()\n'.repeat(9000) }),
      config,
    );
    const message = formatErrorMessage(error, links);
    const [headline, stack] = message.blocks as Array<{ text: { text: string } }>;
    expect(headline!.text.text).toHaveLength(3000);
    expect(headline!.text.text.endsWith('…(truncated)')).toBe(true);
    expect(stack!.text.text.length).toBeLessThanOrEqual(3000);
    expect(stack!.text.text.endsWith('\n```\n…(truncated)')).toBe(true);
    expect(message.text).toHaveLength(4000);
  });
});

describe('the recommendation message', () => {
  it('shows the recommendation with its application and team', () => {
    const recommendation = validateAndEnrich(
      'recommendation',
      aspenRecommendation({ applicationName: 'kth-azure-app' }),
      config,
    );
    expect(formatRecommendationMessage(recommendation, links)).toEqual({
      text: 'Recommendation: Consider upgrading Node.js to 24',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*Recommendation*\nConsider upgrading Node.js to 24' } },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: `*Application:* kth-azure-app · *Team:* team-studadm · ${EVENT_LINK}` }],
        },
      ],
    });
  });
});

describe('outcomes in the thread', () => {
  const base: CheckFinished = {
    eventId: links.eventId,
    eventType: 'deployment',
    module: 'uptimerobot',
    deliveryId: 'd1',
    status: 'succeeded',
    attempts: 1,
    result: { summary: 'Monitoring https://app.example.test/kth-azure-app/_monitor' },
    error: null,
  };

  it('replies with the module and its summary, a score and a details link when given', () => {
    expect(formatOutcomeLine(base)).toBe('✅ uptimerobot: Monitoring https://app.example.test/kth-azure-app/_monitor');
    expect(
      formatOutcomeLine({
        ...base,
        module: 'lighthouse',
        result: { summary: 'Accessibility <ok>', score: 87, link: 'https://reports.example/1' },
      }),
    ).toBe('✅ lighthouse: Accessibility &lt;ok&gt; (score 87) · <https://reports.example/1|details>');
    expect(formatOutcomeReply(base)).toEqual({
      text: '✅ uptimerobot: Monitoring https://app.example.test/kth-azure-app/_monitor',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '✅ uptimerobot: Monitoring https://app.example.test/kth-azure-app/_monitor' },
        },
      ],
    });
  });

  it('replies with a failure, its attempts and the reason when a check went dead', () => {
    const dead: CheckFinished = {
      ...base,
      module: 'detectify',
      status: 'dead',
      attempts: 3,
      result: null,
      error: { message: 'Detectify answered 503' },
    };
    expect(formatOutcomeLine(dead)).toBe('⚠️ detectify failed after 3 attempts: Detectify answered 503');
    expect(formatOutcomeLine({ ...dead, attempts: 1 })).toBe(
      '⚠️ detectify failed after 1 attempt: Detectify answered 503',
    );
  });

  it('sums all outcomes up in one status line and replaces an earlier one on the root', () => {
    const outcomes: CheckFinished[] = [
      base,
      { ...base, module: 'lighthouse', result: { summary: 'scores', score: 92 } },
      { ...base, module: 'detectify', status: 'dead', result: null, error: { message: 'x' } },
    ];
    const line = formatStatusLine(outcomes);
    expect(line).toBe('*Status:* ✅ uptimerobot · ✅ lighthouse (92) · ⚠️ detectify failed');

    const root = formatDeploymentMessage(deployment(), links);
    const once = withStatusLine(root, formatStatusLine(outcomes.slice(0, 1)));
    const twice = withStatusLine(once, line);
    expect(twice.text).toBe(root.text);
    expect(twice.blocks).toEqual([...root.blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: line }] }]);
  });
});
