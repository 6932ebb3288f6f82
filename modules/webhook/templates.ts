import { z } from 'zod';
import { DeliveryError, envString, renderTemplate, templateProblem } from '../../src/module-api.js';

/** The kinds of event the webhook sends; each may have a body template of its own. */
export const WEBHOOK_KINDS = ['deployment', 'error', 'recommendation'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** A template's setting: refused at start (and at run time) when it does not parse, naming the variable. */
export const templateSetting = (kind: WebhookKind) =>
  envString()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? null : templateProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `the template does not parse: ${problem}` });
    })
    .meta({
      description: `Liquid template of the JSON body sent for each ${kind} event, instead of \`{id, type, receivedAt, payload}\`: the payload's fields and \`event.id\`, \`event.type\`, \`event.link\`, \`hub.url\` (docs/reference/template-fields.md), every string JSON-escaped, so \`"{{ message }}"\` is always a valid JSON string. What it renders must be JSON.`,
    });

/** Inside a JSON string literal: quotes, backslashes and control characters escaped, nothing else changed. */
export function escapeJsonString(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * The body a template makes for an event. A template that does not render JSON (a value put outside quotes, a
 * missing comma) can never succeed on a retry: permanent, with the parser's reason and no payload text.
 */
export async function templatedBody(
  template: string,
  event: { id: string; type: string; payload: unknown; link: string },
  hubUrl: string,
): Promise<string> {
  let body: string;
  try {
    body = await renderTemplate(template, event, escapeJsonString, { hubUrl });
  } catch (error) {
    throw new DeliveryError(`the ${event.type} body template failed: ${(error as Error).message.split('\n')[0]}`, {
      permanent: true,
      code: 'HUB_ERR_REFUSED',
      reason: 'TEMPLATE_FAILED',
    });
  }
  try {
    JSON.parse(body);
  } catch (error) {
    throw new DeliveryError(`the ${event.type} body template did not render JSON: ${(error as Error).message}`, {
      permanent: true,
      code: 'HUB_ERR_REFUSED',
      reason: 'TEMPLATE_NOT_JSON',
    });
  }
  return body;
}

export const templatesSchema = {
  WEBHOOK_TEMPLATE_DEPLOYMENT: templateSetting('deployment'),
  WEBHOOK_TEMPLATE_ERROR: templateSetting('error'),
  WEBHOOK_TEMPLATE_RECOMMENDATION: templateSetting('recommendation'),
} satisfies Record<string, z.ZodType>;
