import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Liquid } from 'liquidjs';
import { EMAIL_TEMPLATES } from '../../modules/email/templates.js';
import { SLACK_TEMPLATES } from '../../modules/slack/templates.js';
import { renderTemplateFieldsPage, templateFields } from '../../scripts/docs/template-fields.js';
import { SAMPLE_EVENT_ID, SAMPLE_HUB_URL, SAMPLES } from '../../scripts/docs/template-samples.js';
import { CARD_TEMPLATES } from '../../src/notify/card-templates.js';
import { renderTemplate, TEMPLATE_KINDS } from '../../src/notify/templates.js';

/**
 * docs/reference/template-fields.md is what `npm run docs` writes, lists every kind, and names every variable the
 * default templates use: a field a template can name is a field the reference explains.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const DEFAULTS = { slack: SLACK_TEMPLATES, email: EMAIL_TEMPLATES, cards: CARD_TEMPLATES };

describe('docs/reference/template-fields.md', () => {
  it('is what `npm run docs` writes from the event interfaces and what renderTemplate adds', async () => {
    expect(await readFile(path.join(ROOT, 'docs/reference/template-fields.md'), 'utf8')).toBe(
      renderTemplateFieldsPage(),
    );
  });

  it('gives every variable of every kind a type, words and an example', () => {
    for (const kind of TEMPLATE_KINDS) {
      const fields = templateFields(kind);
      expect(fields.map((field) => field.path)).toEqual(
        expect.arrayContaining(['event.id', 'event.type', 'event.link', 'hub.url']),
      );
      const lacking = fields.filter((field) => !field.type || !field.doc || field.example === undefined);
      // Optional fields a sample does not set may go without an example; nothing goes without words.
      expect({
        kind,
        lacking: lacking.filter((field) => !field.doc || !field.type).map((field) => field.path),
      }).toEqual({
        kind,
        lacking: [],
      });
    }
  });

  it('lists every variable the default templates use', () => {
    const liquid = new Liquid();
    for (const [family, templates] of Object.entries(DEFAULTS))
      for (const kind of TEMPLATE_KINDS) {
        const listed = new Set(templateFields(kind).map((field) => field.path));
        const used = liquid
          .globalFullVariablesSync(templates[kind])
          .map((variable) => variable.replace(/\.(size|first|last)$/, ''));
        expect({ family, kind, unlisted: used.filter((variable) => !listed.has(variable)) }).toEqual({
          family,
          kind,
          unlisted: [],
        });
      }
  });

  it('shows examples a template really sees: the sample rendered gives the example', async () => {
    for (const kind of TEMPLATE_KINDS)
      for (const field of templateFields(kind).filter((candidate) => typeof candidate.example === 'string')) {
        const text = await renderTemplate(
          `{{ ${field.path.replace('[]', '[0]')} }}`,
          {
            id: SAMPLE_EVENT_ID,
            type: SAMPLES[kind].type,
            payload: SAMPLES[kind].payload,
            link: `${SAMPLE_HUB_URL}/api/v1/events/${SAMPLE_EVENT_ID}`,
          },
          (value) => value,
          { hubUrl: SAMPLE_HUB_URL, team: SAMPLES[kind].team },
        ).catch(() => null);
        if (kind === 'error' && field.path.startsWith('repeats')) continue;
        expect({ kind, path: field.path, text }).toEqual({ kind, path: field.path, text: field.example });
      }
  });
});
