import { EMAIL_RENDER } from '../../modules/email/render.js';
import { escapeDiscord } from '../../modules/discord/provider.js';
import type { SlackBlock, SlackMessage } from '../../modules/slack/blocks.js';
import { SLACK_RENDER } from '../../modules/slack/provider.js';
import { escapeTeams } from '../../modules/teams/provider.js';
import {
  SAMPLE_ALERT,
  SAMPLE_DEPLOYMENT,
  SAMPLE_ERROR,
  SAMPLE_EVENT_ID,
  SAMPLE_HUB_URL,
  SAMPLE_RECOMMENDATION,
  SAMPLE_REMOVAL,
  SAMPLE_WEEKLY,
} from '../../scripts/docs/template-samples.js';
import type { Deployment, ErrorReport, Recommendation } from '../../src/events/payloads.js';
import type { HubEvent } from '../../src/events/types.js';
import { cardRender, type Card } from '../../src/notify/card.js';
import type { ProviderRender, Rendered } from '../../src/notify/provider.js';
import { checkTemplate, renderTemplate, TEMPLATE_KINDS, type TemplateKind } from '../../src/notify/templates.js';

/**
 * Every provider's default template, rendered on representative payloads, says what the built-in code says:
 * the very mail for email; for Slack and the cards, whose messages are structured, the words of every part in
 * order (`slackWords`, `cardWords` say how the parts are read), which is what a template's one text can hold.
 */
type Transition = HubEvent<'inspection'>['payload'];
type Weekly = HubEvent<'insights.weekly'>['payload'];

const links = { publicUrl: SAMPLE_HUB_URL, eventId: SAMPLE_EVENT_ID };
const event = (type: string, payload: unknown) => ({
  id: SAMPLE_EVENT_ID,
  type,
  payload,
  link: `${SAMPLE_HUB_URL}/api/v1/events/${SAMPLE_EVENT_ID}`,
});

/** What text can say of a section, a fields section (a field a line) and a context block (its elements). */
function slackWords(message: SlackMessage): string {
  const words = (block: SlackBlock): string => {
    if (block.type === 'context') return block.elements.map((element) => element.text).join(' ');
    if (block.type === 'divider') return '';
    const fields = (block.fields ?? []).map((field) => field.text).join('\n');
    return 'text' in block ? [block.text.text, fields].filter((part) => part !== '').join('\n') : fields;
  };
  return message.blocks.map(words).join('\n\n');
}

function cardWords(card: Card): string {
  return [
    card.title ? `**${card.title}**` : '',
    card.text,
    card.facts.map((fact) => `**${fact.name}**: ${fact.value}`).join('\n'),
    card.links.map((link) => `[${link.title}](${link.url})`).join(' · '),
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}

const deployments: Deployment[] = [
  SAMPLE_DEPLOYMENT,
  SAMPLE_REMOVAL,
  { ...SAMPLE_DEPLOYMENT, rollback: true, rolledBackFrom: '2.0.12', deployedBy: 'ada' },
  { ...SAMPLE_DEPLOYMENT, rollback: true, rolledBackFrom: null, version: null },
  {
    ...SAMPLE_DEPLOYMENT,
    cluster: null,
    replicas: null,
    team: null,
    imageName: null,
    applicationUrl: '',
    monitorUrl: '',
    logSearchUrl: null,
    importance: 'low',
  },
  { ...SAMPLE_DEPLOYMENT, replicas: 'global', team: '<!channel> & *co*', friendlyName: 'A <b>"quoted"</b> app' },
];
const errors: ErrorReport[] = [
  SAMPLE_ERROR,
  { ...SAMPLE_ERROR, applicationName: null, cluster: null, stackTrace: null, logUrl: null },
  {
    ...SAMPLE_ERROR,
    message: 'first line\n  second & <third>\nlast',
    repeats: { count: 4, firstEventId: 'e1', windowSeconds: 290 },
  },
  { ...SAMPLE_ERROR, stackTrace: 'a ``` fence\ninside', repeats: { count: 1, firstEventId: 'e2', windowSeconds: 20 } },
];
const recommendations: Recommendation[] = [
  SAMPLE_RECOMMENDATION,
  { ...SAMPLE_RECOMMENDATION, applicationName: null, team: null, message: 'two\nlines & <more>' },
];
const alerts: Transition[] = [
  SAMPLE_ALERT,
  { ...SAMPLE_ALERT, dimensions: {}, message: '  ', status: 'critical' },
  { ...SAMPLE_ALERT, status: 'warning', title: 'slow <answer> & *late*', dimensions: { url: 'https://x.test/a' } },
];
const weeklies: Weekly[] = [
  SAMPLE_WEEKLY,
  { ...SAMPLE_WEEKLY, teams: [] },
  {
    ...SAMPLE_WEEKLY,
    overall: {
      current: { ...SAMPLE_WEEKLY.overall.previous, deploymentDays: 1 },
      previous: SAMPLE_WEEKLY.overall.current,
    },
  },
];

/** Every kind's cases: the event's type and payload, what the template sees as `team`, the built-in words. */
function cases<M>(
  render: ProviderRender<M>,
): Array<{ kind: TemplateKind; type: string; payload: unknown; team?: unknown; builtIn: Rendered<M> }> {
  return [
    ...deployments.map((d) => ({
      kind: d.removal ? ('removal' as const) : ('deployment' as const),
      type: 'deployment',
      payload: d,
      builtIn: render.deployment(d, links),
    })),
    ...errors.map((e) => ({ kind: 'error' as const, type: 'error', payload: e, builtIn: render.error(e, links) })),
    ...recommendations.map((r) => ({
      kind: 'recommendation' as const,
      type: 'recommendation',
      payload: r,
      builtIn: render.recommendation(r, links),
    })),
    ...alerts.map((t) => ({ kind: 'alert' as const, type: 'inspection', payload: t, builtIn: render.alert(t) })),
    ...weeklies.flatMap((w) => [
      { kind: 'weekly' as const, type: 'insights.weekly', payload: w, builtIn: render.weeklyOverall(w) },
      ...w.teams.map((team) => ({
        kind: 'weekly' as const,
        type: 'insights.weekly',
        payload: w,
        team,
        builtIn: render.weeklyTeam(w, team),
      })),
    ]),
  ];
}

async function renderDefault<M>(
  render: ProviderRender<M>,
  c: { kind: TemplateKind; type: string; payload: unknown; team?: unknown },
) {
  return renderTemplate(render.templates[c.kind], event(c.type, c.payload), (text) => render.escape(text), {
    hubUrl: SAMPLE_HUB_URL,
    ...(c.team === undefined ? {} : { team: c.team }),
  });
}

describe("the default templates reproduce today's built-in messages", () => {
  it('has a default for every kind of every provider, each one a template PUT would store (its trial render passes)', async () => {
    for (const render of [SLACK_RENDER, EMAIL_RENDER, cardRender(escapeTeams, 12_000)] as ProviderRender<unknown>[]) {
      expect(Object.keys(render.templates).sort()).toEqual([...TEMPLATE_KINDS].sort());
      for (const kind of TEMPLATE_KINDS) await expect(checkTemplate(render.templates[kind])).resolves.toBeUndefined();
    }
  });

  it('email: the default, given to lineMessage, is the very mail (subject, HTML and text) the built-in code sends', async () => {
    for (const c of cases(EMAIL_RENDER)) {
      const mail = EMAIL_RENDER.lineMessage(await renderDefault(EMAIL_RENDER, c));
      expect({ kind: c.kind, mail }).toEqual({ kind: c.kind, mail: c.builtIn.message });
    }
  });

  it('slack: the default says the words of every block of the built-in message, in order, and posts them in full', async () => {
    for (const c of cases(SLACK_RENDER)) {
      const text = await renderDefault(SLACK_RENDER, c);
      expect({ kind: c.kind, text }).toEqual({ kind: c.kind, text: slackWords(c.builtIn.message) });
      const posted = SLACK_RENDER.lineMessage(text);
      expect(posted.blocks.map((block) => ('text' in block ? block.text.text : '')).join('\n')).toBe(text);
    }
  });

  it.each([
    ['teams', escapeTeams, 12_000],
    ['discord', escapeDiscord, 3500],
  ] as const)(
    '%s: the default says the words of the built-in card (title, text, facts, links)',
    async (_name, escape, max) => {
      const render = cardRender(escape, max);
      for (const c of cases(render)) {
        const text = await renderDefault(render, c);
        expect({ kind: c.kind, text }).toEqual({ kind: c.kind, text: cardWords(c.builtIn.message) });
      }
    },
  );
});
