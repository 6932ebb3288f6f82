import type { NotifyHooks } from './hooks.js';
import type { NotifyRoute } from './routes.js';
import type { NotifyKind } from './silence.js';

type To = NotifyRoute['to'][number];

/**
 * The default routing (today's SLACK_* rules, applied by code when no routes are stored) written as routes, so
 * operators see what is in force and can start their own list from it. With an override, one route sends
 * everything there. Outcomes are not routed: they reply in the threads of the deployment they are about.
 */
export function defaultRoutes(hooks: NotifyHooks): NotifyRoute[] {
  // Chat targets follow `build`; an incident target is in a route when its default kinds include the route's.
  const per = (build: (target: string, always: string[], override: string[]) => To[], kinds: NotifyKind[] = []): To[] =>
    hooks.targets().flatMap((target) => {
      const parts = hooks.partsOf(target.name);
      if (!parts) return [];
      const { routing, incidentKinds } = parts;
      if (incidentKinds)
        return kinds.some((kind) => incidentKinds.byDefault.includes(kind))
          ? [{ target: target.name, addresses: routing.always }]
          : [];
      return build(target.name, routing.normalise(routing.always), routing.normalise(routing.override));
    });
  const overridden = per((target, _always, override) => (override.length > 0 ? [{ target, addresses: override }] : []));
  const route = (name: string, kind: NotifyRoute['match']['kind'], to: To[]): NotifyRoute[] =>
    to.length > 0 ? [{ name, match: { kind }, to, continue: false }] : [];
  const always = (target: string, addresses: string[]): To[] => (addresses.length > 0 ? [{ target, addresses }] : []);
  const fallback = (target: string, addresses: string[]): To => ({
    target,
    addresses: 'payload',
    ...(addresses.length > 0 ? { otherwise: addresses } : {}),
  });
  return [
    ...(overridden.length > 0 ? [{ name: 'override', match: {}, to: overridden, continue: true }] : []),
    ...route(
      'deployments',
      ['deployment', 'removal'],
      per(
        (target, all, override) =>
          override.length > 0 ? [] : [...always(target, all), { target, addresses: 'payload' }],
        ['deployment', 'removal'],
      ),
    ),
    ...route(
      'errors',
      ['error'],
      per((target, all, override) => (override.length > 0 ? [] : [fallback(target, all)])),
    ),
    ...route(
      'recommendations',
      ['recommendation'],
      per((target, _all, override) => (override.length > 0 ? [] : [{ target, addresses: 'payload' }])),
    ),
    // Endpoint health tells the deployment's channels and the always-told ones; an external check its own,
    // else the always-told ones.
    ...route(
      'alerts',
      ['alert', 'escalation', 'recovery'],
      per(
        (target, all, override) => (override.length > 0 ? [] : [fallback(target, all)]),
        ['alert', 'escalation', 'recovery'],
      ),
    ),
    ...route(
      'weekly insights',
      ['weekly'],
      per((target, all, override) =>
        override.length > 0 ? [] : [...always(target, all), { target, addresses: 'payload' }],
      ),
    ),
  ];
}
