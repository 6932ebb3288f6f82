import { z } from 'zod';
import { routeSchema } from '../notify/routes.js';
import { targetBodySchema } from '../notify/targets.js';
import { TEMPLATE_KINDS, templateBodySchema } from '../notify/templates.js';
import { silenceInput } from '../silences/model.js';
import { CHECK_BODIES } from '../checks/external-check-schemas.js';

/**
 * The configuration file's document: the objects of the HTTP API under one roof, so a file and the API speak
 * one language. Each top-level key holds what its API takes; names are the identity an object keeps across
 * loads (a file's silence and check are found again by name, not by a generated id).
 */
const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'lower-case letters, digits and . _ - (at most 100)')
  .meta({ description: 'The object’s name: its identity across loads.' });

/** A target: one configured destination of a provider (`{provider, settings}`, as the targets API takes). */
export const fileTargetSchema = targetBodySchema;

/** A silence as the silences API takes it, named. */
export const fileSilenceSchema = z.intersection(z.strictObject({ name }), silenceInput);

/** An external check as `PUT /api/v1/checks/:name` takes it, named. */
export const fileCheckSchema = z.intersection(
  z.strictObject({ name }),
  CHECK_BODIES.settings.omit({ rotateToken: true }),
);

const parameterValue = z.union([z.string().max(2000), z.number(), z.boolean()]);

export const configDocumentSchema = z.strictObject({
  targets: z.record(name, fileTargetSchema).optional(),
  routes: z.array(routeSchema).max(200).optional(),
  templates: z
    .record(z.string().min(1).max(100), z.partialRecord(z.enum(TEMPLATE_KINDS), templateBodySchema.shape.template))
    .optional()
    .meta({ description: 'provider → kind → Liquid template' }),
  silences: z.array(fileSilenceSchema).max(500).optional(),
  checks: z.array(fileCheckSchema).max(500).optional(),
  inspections: z
    .record(z.string().min(1).max(100), z.record(z.string().min(1).max(100), parameterValue))
    .optional()
    .meta({ description: 'inspection id → parameter name → value' }),
  modules: z
    .record(
      z.string().min(1).max(100),
      z.strictObject({ enabled: z.boolean().optional(), settings: z.record(z.string(), z.unknown()).optional() }),
    )
    .optional(),
});

export type ConfigDocument = z.output<typeof configDocumentSchema>;
