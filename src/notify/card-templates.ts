import type { TemplateKind } from './templates.js';

/**
 * The cards' built-in words (card.ts) as Liquid, for Teams and Discord: what `GET /api/v1/notify/templates`
 * shows as the default. A template's text becomes a card's text alone, so each renders the card's words in
 * Markdown, a blank line between parts: the title in bold, the text, the facts a line each (`**Name**: value`),
 * the links (`[title](url)` joined by " · "). Colour and the facts' table are the card's, not the text's.
 * test/notify/card-templates.test.ts renders each against cardRender.
 */

const EVENT_LINK = '[The event on the hub]({{ event.link }})';
const FACT = (name: string, value: string) => `{% if ${value} %}\n**${name}**: {{ ${value} }}{% endif %}`;

const DEPLOYMENT = `**{{ applicationName }} {{ version }} {% if removal %}removed from{% else %}deployed to{% endif %} {{ cluster | default: "an unknown cluster" }}**
{%- if rollback %}

Rolled back from {{ rolledBackFrom | default: "an earlier version" }}
{%- endif %}
{% capture facts %}${FACT('Application', 'applicationName')}${FACT('Version', 'version')}${FACT('Cluster', 'cluster')}${FACT('Team', 'team')}${FACT('Deployed by', 'deployedBy')}{% endcapture %}{{ facts }}

{% if applicationUrl contains "http" %}[Application]({{ applicationUrl }}) · {% endif %}${EVENT_LINK}`;

const ERROR = `**{% if applicationName %}Error in {{ applicationName }}{% else %}Error{% endif %}**

{{ message }}
{% capture facts %}${FACT('Application', 'applicationName')}${FACT('Cluster', 'cluster')}{% endcapture %}{% if facts != "" %}{{ facts }}
{% endif %}
{% if logUrl contains "http" %}[Logs]({{ logUrl }}) · {% endif %}${EVENT_LINK}`;

const RECOMMENDATION = `**{% if applicationName %}Recommendation for {{ applicationName }}{% else %}Recommendation{% endif %}**

{{ message }}
{% capture facts %}${FACT('Application', 'applicationName')}${FACT('Team', 'team')}{% endcapture %}{% if facts != "" %}{{ facts }}
{% endif %}
${EVENT_LINK}`;

const ALERT = `**{{ status | upcase }}: {{ check }}{% if dimensions.size > 0 %} ({% for dimension in dimensions %}{{ dimension[1] }}{% unless forloop.last %}, {% endunless %}{% endfor %}){% endif %}: {{ title }}**
{%- if message != "" %}

{{ message }}
{%- endif %}

**Status**: {{ status }}
**Failing since**: {{ since }}
{%- for dimension in dimensions %}{% if dimension[1] %}
**{{ dimension[0] }}**: {{ dimension[1] }}{% endif %}{% endfor %}
{%- if link contains "http" %}

[The check on the hub]({{ link }})
{%- endif %}`;

const WEEKLY = `{%- if team -%}
{%- assign now = team.current -%}{%- assign before = team.previous -%}
**Delivery insights of {{ team.team }}, week of {{ week.from | slice: 0, 10 }}**
{%- else -%}
{%- assign now = overall.current -%}{%- assign before = overall.previous -%}
**Delivery insights in {{ cluster }}, week of {{ week.from | slice: 0, 10 }}**
{%- endif %}

Deployments: **{{ now.deployments }}** ({{ before.deployments }} the week before)

Change failure rate: **{{ now.changeFailureRate | percent }}**, {{ now.failed }} of {{ now.deployments }}

Time to restore: **{{ now.timeToRestoreMedianMs | duration: "rounded" }}** median of {{ now.restored }}

Lead time: **{{ now.leadTimeMedianMs | duration: "rounded" }}** median of {{ now.leadTimes }}
{%- if team %}{% if team.link contains "http" %}

[{{ team.team }} on the hub]({{ team.link }})
{%- endif %}{% elsif link contains "http" %}

[The insights on the hub]({{ link }})
{%- endif %}`;

export const CARD_TEMPLATES: Readonly<Record<TemplateKind, string>> = {
  deployment: DEPLOYMENT,
  removal: DEPLOYMENT,
  error: ERROR,
  recommendation: RECOMMENDATION,
  alert: ALERT,
  weekly: WEEKLY,
};
