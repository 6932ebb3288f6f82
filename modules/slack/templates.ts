import type { TemplateKind } from '../../src/module-api.js';

/**
 * Slack's built-in words as Liquid: what `GET /api/v1/notify/templates` shows as the default, for an operator to
 * start from. Each renders the words of every block of the built-in message, in order, a blank line between
 * blocks (the fields one per line, `*Label*` above the value); posted, the text becomes sections, so the layout
 * is not Block Kit's (no two-column fields, no small context text). test/modules/slack/templates.test.ts renders
 * each against the built-in code. Payload values arrive escaped for mrkdwn; the hub's (`event`, `hub`) do not.
 */

const SOURCE_LINE = (facts: Array<[string, string]>) =>
  facts.map(([label, name]) => `{% if ${name} %}*${label}:* {{ ${name} }} · {% endif %}`).join('') +
  '<{{ event.link }}|Event>';

const DEPLOYMENT = `{%- capture cluster_name %}*{{ cluster | default: "an unknown cluster" }}*{% endcapture -%}
{%- if removal -%}
Started removing *{{ friendlyName }}* from {{ cluster_name }}
{%- else -%}
{% if replicas == nil %}*{{ friendlyName }}* is{% else %}{{ replicas }} replica(s) of *{{ friendlyName }}* are{% endif %} being {% if rollback %}rolled back{% if rolledBackFrom %} from *{{ rolledBackFrom }}*{% endif %}{% if version %} to *{{ version }}*{% endif %}{% else %}deployed{% endif %} in {{ cluster_name }}
{%- endif %}

*Application*
{{ applicationName }}
{%- if version %}
*Version*
{{ version }}
{%- endif %}
{%- if imageName %}
*Image*
{{ imageName }}{% if version %}:{{ version }}{% endif %}
{%- endif %}
{%- if team %}
*Team*
{{ team }}
{%- endif %}
{%- unless removal %}
*Importance*
{{ importance }}
{%- endunless %}

{% unless removal %}{% if applicationUrl %}<{{ applicationUrl }}|Application> · {% endif %}{% if monitorUrl %}<{{ monitorUrl }}|Monitor> · {% endif %}{% endunless %}{% if logSearchUrl %}<{{ logSearchUrl }}|Logs> · {% endif %}<{{ hub.url }}/api/v1/deployments?applicationName={{ applicationName | url_encode }}{% if cluster %}&amp;cluster={{ cluster | url_encode }}{% endif %}|History> · <{{ event.link }}|Event>`;

// A fence inside the trace would close the code block early: broken with zero-width spaces, as the built-in does.
const ERROR = `{%- assign lines = message | split: "\\n" -%}
{%- for line in lines -%}
{%- assign words = line | strip -%}
{%- if words == "" %}{{ line }}{% else %}*{{ words }}*{% endif %}{% unless forloop.last %}
{% endunless -%}
{%- endfor -%}
{%- if stackTrace %}

\`\`\`
{{ stackTrace | replace: "\`\`\`", "\`\u200b\`\u200b\`" }}
\`\`\`
{%- endif -%}
{%- if repeats %}

Repeated {{ repeats.count }} more time{% if repeats.count != 1 %}s{% endif %} within {{ repeats.windowSeconds | divided_by: 60.0 | round | at_least: 1 }} min, folded into this message · <{{ hub.url }}/api/v1/events/{{ repeats.firstEventId }}|first report>
{%- endif %}

${SOURCE_LINE([
  ['Application', 'applicationName'],
  ['Cluster', 'cluster'],
])}`;

const RECOMMENDATION = `*Recommendation*
{{ message }}

${SOURCE_LINE([
  ['Application', 'applicationName'],
  ['Team', 'team'],
])}`;

const ICON = `{% case status %}{% when "error" %}:red_circle:{% when "critical" %}:rotating_light:{% else %}:warning:{% endcase %}`;

const ALERT = `${ICON} *{{ status | upcase }}*: {{ title }}
{{ check }}{% if dimensions.size > 0 %} ({% for dimension in dimensions %}{{ dimension[0] }}={{ dimension[1] }}{% unless forloop.last %}, {% endunless %}{% endfor %}){% endif %}, failing since {{ since }}
{%- assign said = message | strip -%}
{%- if said != "" %}

{{ message }}
{%- endif %}

<{{ link }}|The check on the hub>`;

const SIGNED = (now: string, before: string) =>
  `{% assign change = ${now} | minus: ${before} %}{% if change > 0 %}+{{ change }}{% elsif change < 0 %}−{{ change | abs }}{% else %}±0{% endif %}`;

const WEEKLY = `{%- if team -%}
{%- assign now = team.current -%}{%- assign before = team.previous -%}
*Delivery insights of {{ team.team }} in {{ cluster }}, week of {{ week.from | slice: 0, 10 }}* (against the week before)
{%- else -%}
{%- assign now = overall.current -%}{%- assign before = overall.previous -%}
*Delivery insights in {{ cluster }}, week of {{ week.from | slice: 0, 10 }}* (against the week before)
{%- endif %}
• Deployments: *{{ now.deployments }}* on {{ now.deploymentDays }} day{% if now.deploymentDays != 1 %}s{% endif %} (${SIGNED('now.deployments', 'before.deployments')}; {{ before.deployments }} the week before)
• Change failure rate: *{{ now.changeFailureRate | percent }}*, {{ now.failed }} of {{ now.deployments }} (was {{ before.changeFailureRate | percent }}, {{ before.failed }} of {{ before.deployments }})
• Time to restore: *{{ now.timeToRestoreMedianMs | duration }}* median of {{ now.restored }} (was {{ before.timeToRestoreMedianMs | duration }} of {{ before.restored }})
• Lead time: *{{ now.leadTimeMedianMs | duration }}* median of {{ now.leadTimes }} (was {{ before.leadTimeMedianMs | duration }} of {{ before.leadTimes }})
{%- if team %}

<{{ team.link }}|{{ team.team }} on the hub>
{%- else -%}
{%- if teams.size > 0 %}

Deployments per team: {% for each in teams %}{{ each.team }} {{ each.current.deployments }} (${SIGNED('each.current.deployments', 'each.previous.deployments')}){% unless forloop.last %} · {% endunless %}{% endfor %}
{%- endif %}

<{{ link }}|The insights on the hub>
{%- endif %}`;

export const SLACK_TEMPLATES: Readonly<Record<TemplateKind, string>> = {
  deployment: DEPLOYMENT,
  removal: DEPLOYMENT,
  error: ERROR,
  recommendation: RECOMMENDATION,
  alert: ALERT,
  weekly: WEEKLY,
};
