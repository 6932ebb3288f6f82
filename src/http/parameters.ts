import type { RequestHandler } from 'express';
import { HubError } from '../errors.js';
import { isUnsafeParameter } from '../util/text.js';

/**
 * Query parameters and path segments are compared with stored text (`?applicationName=`, `/latest?cluster=`),
 * and PostgreSQL refuses a NUL in any text, so `%00` there would be a 500 deep in a module's SQL. No route
 * has a use for control characters or unpaired surrogates in its parameters: they are refused here, for
 * every route (module routes included), with a 400 naming the parameter.
 */
export const rejectUnsafeParameters: RequestHandler = (req, _res, next) => {
  const query = req.query as Record<string, unknown>;
  for (const [name, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    if (isUnsafeParameter(name) || values.some((item) => typeof item === 'string' && isUnsafeParameter(item))) {
      next(refusal(isUnsafeParameter(name) ? '(query)' : name));
      return;
    }
  }
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    next(
      new HubError('HUB_ERR_BAD_PARAMETER', 'the path is not valid percent-encoded UTF-8', [
        { field: '(path)', message: 'invalid encoding' },
      ]),
    );
    return;
  }
  if (isUnsafeParameter(path)) {
    next(refusal('(path)'));
    return;
  }
  next();
};

function refusal(field: string): HubError {
  return new HubError('HUB_ERR_BAD_PARAMETER', `${field} must not contain control characters or unpaired surrogates`, [
    { field, message: 'control characters (such as %00) are not allowed' },
  ]);
}
