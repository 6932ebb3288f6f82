import type { TemplateKind } from '../../src/module-api.js';

/**
 * The built-in mails as Liquid: what `GET /api/v1/notify/templates` shows as the default. The first line is the
 * subject (as text), the rest the HTML body; rendered, each gives the very mail the built-in code sends
 * (test/modules/email/templates.test.ts). Payload values arrive HTML-escaped; the hub's (`event`, `hub`) do not.
 * A subject is one line: line breaks in a value are made spaces, or the rest would fall into the body.
 */

const ONE_LINE = '| replace: "\\r", " " | replace: "\\n", " "';
const EVENT_LINK = '<p><a href="{{ event.link }}">The event on the hub</a></p>';
const PARAGRAPHS = '| replace: "\\n", "<br>"';

const DEPLOYMENT = `{% capture subject -%}
{%- if removal %}Removing {{ friendlyName }} from {{ cluster | default: "an unknown cluster" }}
{%- else %}{% if rollback %}Rolling back{% else %}Deploying{% endif %} {{ friendlyName }}{% if version %} {{ version }}{% endif %} in {{ cluster | default: "an unknown cluster" }}
{%- endif %}{% endcapture -%}
{{ subject ${ONE_LINE} }}
<p>{{ subject }}</p>
{%- capture facts -%}
<li>Application: {{ applicationName }}</li>
{%- if version %}<li>Version: {{ version }}</li>{% endif -%}
{%- if cluster %}<li>Cluster: {{ cluster }}</li>{% endif -%}
{%- if team %}<li>Team: {{ team }}</li>{% endif -%}
{%- unless removal %}<li>Importance: {{ importance }}</li>{% endunless -%}
{%- endcapture -%}
<ul>{{ facts }}</ul><p>
{%- unless removal -%}
{%- if applicationUrl %}<a href="{{ applicationUrl }}">Application</a> · {% endif -%}
{%- if monitorUrl %}<a href="{{ monitorUrl }}">Monitor</a> · {% endif -%}
{%- endunless -%}
{%- if logSearchUrl %}<a href="{{ logSearchUrl }}">Logs</a> · {% endif -%}
<a href="{{ event.link }}">The event on the hub</a></p>`;

const ERROR = `Error in {{ applicationName | default: "an application" }}: {{ message ${ONE_LINE} }}
<p><b>{{ message ${PARAGRAPHS} }}</b></p>
{%- if stackTrace %}<pre>{{ stackTrace }}</pre>{% endif -%}
{%- if repeats %}<p>Repeated {{ repeats.count }} more time{% if repeats.count != 1 %}s{% endif %}, folded into this mail.</p>{% endif -%}
{%- if applicationName or cluster -%}
<ul>{% if applicationName %}<li>Application: {{ applicationName }}</li>{% endif %}{% if cluster %}<li>Cluster: {{ cluster }}</li>{% endif %}</ul>
{%- endif -%}
${EVENT_LINK}`;

const RECOMMENDATION = `Recommendation for {{ applicationName | default: "your application" ${ONE_LINE} }}
<p>{{ message ${PARAGRAPHS} }}</p>
{%- if applicationName or team -%}
<ul>{% if applicationName %}<li>Application: {{ applicationName }}</li>{% endif %}{% if team %}<li>Team: {{ team }}</li>{% endif %}</ul>
{%- endif -%}
${EVENT_LINK}`;

const ALERT = `{% capture subject %}{{ status | upcase }}: {{ title }}{% endcapture -%}
{{ subject ${ONE_LINE} }}
<p><b>{{ subject }}</b><br>{{ check }}{% if dimensions.size > 0 %} ({% for dimension in dimensions %}{{ dimension[0] }}={{ dimension[1] }}{% unless forloop.last %}, {% endunless %}{% endfor %}){% endif %}, failing since {{ since }}</p>
{%- assign said = message | strip -%}
{%- if said != "" %}<p>{{ message }}</p>{% endif -%}
<p><a href="{{ link }}">The check on the hub</a></p>`;

const WEEKLY = `{%- if team -%}
{%- assign now = team.current -%}{%- assign before = team.previous -%}
{%- capture subject %}Delivery insights of {{ team.team }}, week of {{ week.from | slice: 0, 10 }}{% endcapture -%}
{%- else -%}
{%- assign now = overall.current -%}{%- assign before = overall.previous -%}
{%- capture subject %}Delivery insights in {{ cluster }}, week of {{ week.from | slice: 0, 10 }}{% endcapture -%}
{%- endif -%}
{{ subject ${ONE_LINE} }}
<p><b>{{ subject }}</b> (against the week before)</p><ul>
<li>Deployments: <b>{{ now.deployments }}</b> on {{ now.deploymentDays }} days ({{ before.deployments }} the week before)</li>
<li>Change failure rate: <b>{{ now.changeFailureRate | percent }}</b>, {{ now.failed }} of {{ now.deployments }} (was {{ before.changeFailureRate | percent }})</li>
<li>Time to restore: <b>{{ now.timeToRestoreMedianMs | duration }}</b> median of {{ now.restored }} (was {{ before.timeToRestoreMedianMs | duration }})</li>
<li>Lead time: <b>{{ now.leadTimeMedianMs | duration }}</b> median of {{ now.leadTimes }} (was {{ before.leadTimeMedianMs | duration }})</li>
</ul>
{%- if team -%}
<p><a href="{{ team.link }}">{{ team.team }} on the hub</a></p>
{%- else -%}
{%- if teams.size > 0 %}<p>Deployments per team: {% for each in teams %}{{ each.team }} {{ each.current.deployments }}{% unless forloop.last %} · {% endunless %}{% endfor %}</p>{% endif -%}
<p><a href="{{ link }}">The insights on the hub</a></p>
{%- endif %}`;

export const EMAIL_TEMPLATES: Readonly<Record<TemplateKind, string>> = {
  deployment: DEPLOYMENT,
  removal: DEPLOYMENT,
  error: ERROR,
  recommendation: RECOMMENDATION,
  alert: ALERT,
  weekly: WEEKLY,
};
