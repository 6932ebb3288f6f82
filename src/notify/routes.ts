import vm from 'node:vm';
import { z } from 'zod';
import type { NotifyKind } from './silence.js';

export const NOTIFY_KINDS = [
  'deployment',
  'removal',
  'error',
  'recommendation',
  'alert',
  'escalation',
  'recovery',
  'outcome',
  'weekly',
] as const satisfies readonly NotifyKind[];

/**
 * A `~` pattern runs at most this long on probes made to trip backtracking ("aaaa…!") before it is refused. The
 * probe runs in a vm with a timeout, since a catastrophic pattern would otherwise never give the thread back.
 */
const REGEX_BUDGET_MS = 50;
const PROBES = ['a', '0', ' ', '-', 'ab'].map((unit) => `${unit.repeat(28)}!`);
/** Values are matched on at most this many characters, the length the probes are made of. */
export const MATCHED_LENGTH = 200;

function tooSlow(pattern: RegExp): boolean {
  try {
    vm.runInNewContext(
      'probes.forEach((probe) => pattern.test(probe))',
      { probes: PROBES, pattern },
      {
        timeout: REGEX_BUDGET_MS,
      },
    );
    return false;
  } catch {
    return true;
  }
}

/** A value to match: as written (case-insensitive), or `~regex`, checked to compile and to run quickly. */
const matchValue = z
  .string()
  .min(1)
  .max(200)
  .superRefine((value, ctx) => {
    if (!value.startsWith('~')) return;
    let pattern: RegExp;
    try {
      pattern = new RegExp(value.slice(1), 'i');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(error as Error).message}` });
      return;
    }
    if (tooSlow(pattern))
      ctx.addIssue({ code: 'custom', message: 'the regular expression is too slow (it backtracks)' });
  });

const values = z.array(matchValue).min(1).max(50);

export const routeSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** Keys are ANDed, values within a key ORed; an absent key matches everything. */
    match: z
      .object({
        kind: z.array(z.enum(NOTIFY_KINDS)).min(1).optional(),
        team: values.optional(),
        application: values.optional(),
        cluster: values.optional(),
        importance: values.optional(),
        status: values.optional(),
      })
      .strict()
      .default({}),
    to: z
      .array(
        z
          .object({
            target: z.string().min(1).max(100),
            /** Addresses as written, or "payload": the addresses the event names itself. */
            addresses: z.union([z.literal('payload'), z.array(z.string().trim().min(1).max(200)).min(1).max(50)]),
            /** With "payload": where to go when the event names no address. */
            otherwise: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
            /** Another target that gets the message once when this one's delivery goes dead or its module is off. */
            fallback: z.string().min(1).max(100).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(20),
    continue: z.boolean().default(false),
  })
  .strict();

export const routesBodySchema = z.object({ routes: z.array(routeSchema).max(200) }).strict();

export type NotifyRoute = z.output<typeof routeSchema>;

/** What an event is matched on: the kind it is said as and what it can be tied to. */
export interface EventFacts {
  kind: NotifyKind;
  team: string | null;
  application: string | null;
  cluster: string | null;
  importance: string | null;
  status: string | null;
}

export interface RouteDecision {
  name: string;
  matched: boolean;
  because: string;
}

export interface RouteSend {
  route: string;
  target: string;
  addresses: string[] | 'payload';
  otherwise: string[];
  /** The target that takes this send over when `target` cannot deliver it; null: none. */
  fallback: string | null;
}

function valueMatches(wanted: string, actual: string): boolean {
  if (wanted.startsWith('~')) return new RegExp(wanted.slice(1), 'i').test(actual.slice(0, MATCHED_LENGTH));
  return wanted.toLowerCase() === actual.toLowerCase();
}

/** Why a route matches the facts or does not, in words an operator reads in the explain answer. */
function decide(route: NotifyRoute, facts: EventFacts): RouteDecision {
  for (const key of ['kind', 'team', 'application', 'cluster', 'importance', 'status'] as const) {
    const wanted = route.match[key] as readonly string[] | undefined;
    if (!wanted) continue;
    const actual = facts[key];
    if (actual === null) return { name: route.name, matched: false, because: `the event has no ${key}` };
    if (!wanted.some((value) => valueMatches(value, actual)))
      return { name: route.name, matched: false, because: `${key} "${actual}" is not one of ${wanted.join(', ')}` };
  }
  const keys = Object.keys(route.match);
  return {
    name: route.name,
    matched: true,
    because: keys.length === 0 ? 'it matches every event' : `${keys.join(', ')} matched`,
  };
}

/** Ordered routes, first match wins unless it says `continue`: every decision, and the sends of the matches. */
export function evaluateRoutes(
  routes: readonly NotifyRoute[],
  facts: EventFacts,
): { decisions: RouteDecision[]; sends: RouteSend[] } {
  const decisions: RouteDecision[] = [];
  const sends: RouteSend[] = [];
  for (const route of routes) {
    const decision = decide(route, facts);
    decisions.push(decision);
    if (!decision.matched) continue;
    for (const to of route.to)
      sends.push({
        route: route.name,
        target: to.target,
        addresses: to.addresses,
        otherwise: to.otherwise ?? [],
        fallback: to.fallback ?? null,
      });
    if (!route.continue) break;
  }
  return { decisions, sends };
}
