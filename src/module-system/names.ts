/** Module names, schedule names and external check names: lower-case, digits and hyphens. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
