import type { NotifyHooks } from './hooks.js';
import type { NotifyRoute } from './routes.js';

type To = NotifyRoute['to'][number];

/**
 * The default routing (today's SLACK_* rules, applied by code when no routes are stored) written as routes, so
 * operators see what is in force and can start their own list from it. With an override, one route sends
 * everything there. Outcomes are not routed: they reply in the threads of the deployment they are about.
 */
export function defaultRoutes(hooks: NotifyHooks): NotifyRoute[] {
  // Chat targets follow `build`; an incident target joins every route of a kind (`route` keeps it to its default
  // kinds), never the override, which is about chat addresses.
  const per = (build: (target: string, always: string[], override: string[]) => To[], incidents = true): To[] =>
    hooks.targets().flatMap((target) => {
      const parts = hooks.partsOf(target.name);
      if (!parts) return [];
      const { routing, incidentKinds } = parts;
      if (incidentKinds) return incidents ? [{ target: target.name, addresses: routing.always }] : [];
      return build(target.name, routing.normalise(routing.always), routing.normalise(routing.override));
    });
  const overridden = per(
    (target, _always, override) => (override.length > 0 ? [{ target, addresses: override }] : []),
    false,
  );
  // A target whose default routing leaves a kind out (mail: no deployments) is left out of that kind's route.
  const sendsKind = (target: string, kinds: NotifyRoute['match']['kind']) => {
    const only = hooks.partsOf(target)?.routing.kinds;
    return !only || !kinds || kinds.some((kind) => only.includes(kind));
  };
  const route = (name: string, kind: NotifyRoute['match']['kind'], all: To[]): NotifyRoute[] => {
    const to = all.filter((send) => sendsKind(send.target, kind));
    return to.length > 0 ? [{ name, match: { kind }, to, continue: false }] : [];
  };
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
      per((target, all, override) =>
        override.length > 0 ? [] : [...always(target, all), { target, addresses: 'payload' }],
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
      per((target, all, override) => (override.length > 0 ? [] : [fallback(target, all)])),
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
