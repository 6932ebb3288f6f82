import { type Router, type RequestHandler } from 'express';
import { hubRouter } from '../util/http-router.js';
import type { ScheduledWork } from './contract.js';
import type { HubModule } from './contract.js';

/**
 * A module's routes and schedules are mounted once, at start; a module restarted with new configuration at
 * run time gets a new instance. These stand-ins always reach the instance of the moment.
 */

/** Middleware that serves the current instance's routes. `stack` lets the route walker (OpenAPI) see them. */
export function liveRoutes(instance: () => HubModule | null): RequestHandler {
  let routedFor: HubModule | null = null;
  let router: Router | null = null;
  const current = (): Router | null => {
    const module = instance();
    if (!module?.routes) return null;
    if (routedFor !== module) {
      router = hubRouter();
      module.routes(router);
      routedFor = module;
    }
    return router;
  };
  const delegate: RequestHandler = (req, res, next) => {
    const target = current();
    if (target) target(req, res, next);
    else next();
  };
  Object.defineProperty(delegate, 'stack', { get: () => current()?.stack ?? [] });
  return delegate;
}

/** A schedule that runs the current instance's work of the same name (skipped when it no longer has it). */
export function liveSchedule(work: ScheduledWork, instance: () => HubModule | null): ScheduledWork {
  return {
    ...work,
    run: (context) => {
      const current = instance()?.schedules?.find((candidate) => candidate.name === work.name);
      return current
        ? current.run(context)
        : { summary: 'not scheduled by the module as configured now', notify: false };
    },
  };
}
