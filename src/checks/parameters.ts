import type { z } from 'zod';
import type { Env } from '../config/env.js';
import { HubError, type FieldProblem } from '../errors.js';
import type { AnyInspection } from '../module-system/inspection-contract.js';
import { envSuffix } from '../module-system/overrides.js';
import { unstorableIn } from '../util/input-rules.js';
import { hideUrlSecrets } from '../logging/redact.js';

export type ParameterSource = 'default' | 'env' | 'central';

export interface ParameterView {
  name: string;
  /** `***` for secrets. */
  value: unknown;
  source: ParameterSource;
  default: unknown;
  secret: boolean;
  /** When the central value was set. */
  updatedAt: string | null;
}

type Central = Record<string, { value: unknown; updatedAt: string }>;

const MASK = '***';

/** `slowMs` of `endpoints.health` -> INSPECTION_ENDPOINTS_HEALTH_SLOW_MS. */
export function parameterVariable(inspectionId: string, name: string): string {
  return `INSPECTION_${envSuffix(inspectionId)}_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/**
 * One inspection's parameters: the schema's defaults, values from the environment (read once, at start) and
 * central values (read from PostgreSQL at the start of every run, so a change reaches the next run on every
 * replica). Precedence: central over env over default. Secrets never leave as values.
 */
export class InspectionParameters {
  readonly envValues: Record<string, unknown> = {};
  readonly problems: string[] = [];
  private readonly shape: Record<string, z.ZodType>;
  private readonly secrets: Set<string>;

  constructor(
    readonly inspectionId: string,
    inspection: AnyInspection,
    env: Env,
  ) {
    this.shape = inspection.parameters.shape;
    this.secrets = new Set(inspection.secrets ?? []);
    for (const name of this.secrets) {
      if (!Object.hasOwn(this.shape, name))
        this.problems.push(`inspection "${inspectionId}": secret "${name}" is not one of its parameters`);
    }
    for (const [name, schema] of Object.entries(this.shape)) {
      const variable = parameterVariable(inspectionId, name);
      const raw = env[variable];
      if (raw === undefined || raw.trim() === '') continue;
      const parsed = envCandidates(raw)
        .map((candidate) => schema.safeParse(candidate))
        .find((result) => result.success);
      if (parsed) this.envValues[name] = parsed.data;
      else this.problems.push(`${variable}: ${schema.safeParse(raw).error?.issues[0]?.message ?? 'invalid'}`);
    }
    const defaults = inspection.parameters.safeParse(this.envValues);
    if (!defaults.success) {
      this.problems.push(
        `inspection "${inspectionId}": parameters need a default or a value (${defaults.error.issues.map((issue: { path: PropertyKey[] }) => issue.path.map(String).join('.')).join(', ')})`,
      );
    }
  }

  has(name: string): boolean {
    return Object.hasOwn(this.shape, name);
  }

  /** What a run gets: central over env over default, through the schema. */
  effective(schema: z.ZodObject, central: Central): Record<string, unknown> {
    const values = {
      ...this.envValues,
      ...Object.fromEntries(
        Object.entries(central)
          .filter(([name]) => this.has(name))
          .map(([name, entry]) => [name, entry.value]),
      ),
    };
    return schema.parse(values);
  }

  view(central: Central): ParameterView[] {
    return Object.entries(this.shape).map(([name, schema]) => {
      const secret = this.secrets.has(name);
      const fallback = schema.safeParse(undefined);
      const source: ParameterSource = central[name] ? 'central' : name in this.envValues ? 'env' : 'default';
      const value =
        source === 'central'
          ? central[name]!.value
          : source === 'env'
            ? this.envValues[name]
            : fallback.success
              ? fallback.data
              : null;
      return {
        name,
        value: this.mask(name, value),
        source,
        default: this.mask(name, fallback.success ? fallback.data : null),
        secret,
        updatedAt: central[name]?.updatedAt ?? null,
      };
    });
  }

  /** Validates central values to set: each by its own schema, a 400 naming every bad or unknown parameter. */
  validate(body: unknown): Record<string, unknown> {
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length === 0) {
      throw new HubError('HUB_ERR_VALIDATION', 'the body must be an object of parameter values', [
        { field: '(body)', message: 'expected {name: value, …}' },
      ]);
    }
    const problems: FieldProblem[] = [];
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(body)) {
      const schema = this.has(name) ? this.shape[name] : undefined;
      if (!schema) {
        problems.push({
          field: name,
          message: `not a parameter of ${this.inspectionId} (known: ${Object.keys(this.shape).join(', ')})`,
        });
        continue;
      }
      const unstorable = unstorableIn(value);
      if (unstorable) {
        problems.push({ field: [name, ...unstorable[0]].join('.'), message: unstorable[1] });
        continue;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) values[name] = parsed.data;
      else problems.push({ field: name, message: parsed.error.issues[0]?.message ?? 'invalid' });
    }
    if (problems.length > 0) {
      throw new HubError(
        'HUB_ERR_VALIDATION',
        `invalid parameters: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
    return values;
  }

  mask(name: string, value: unknown): unknown {
    if (this.secrets.has(name) && value !== null && value !== undefined && value !== '') return MASK;
    // A target URL's credentials are secret whatever the parameter: shown, they would leak through the page and API.
    if (typeof value === 'string') return hideUrlSecrets(value);
    if (Array.isArray(value))
      return value.map((item: unknown) => (typeof item === 'string' ? hideUrlSecrets(item) : item));
    return value;
  }
}

/** An env value as JSON (numbers, booleans, arrays), as text, or as a comma-separated list, whichever the schema takes. */
function envCandidates(raw: string): unknown[] {
  const candidates: unknown[] = [];
  try {
    candidates.push(JSON.parse(raw));
  } catch {
    // not JSON
  }
  candidates.push(
    raw,
    raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  );
  return candidates;
}
