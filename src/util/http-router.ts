import { Router } from 'express';

/**
 * Every router of the hub: case-sensitive and strict, so a path matches a route only as it is written
 * (`/API/v1/modules`, `/api/v1/modules/` and `/api/v1//modules` reach no route). Express matches paths
 * case-insensitively and ignores a trailing slash by default; a guard that compares the path as written
 * (the read guard's `/api/v1/` prefix) would then protect a different set of requests than the routes serve.
 */
export function hubRouter(): Router {
  return Router({ caseSensitive: true, strict: true });
}
