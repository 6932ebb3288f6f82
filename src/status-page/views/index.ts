/** The views the route handlers render, in one place. */
export { checkView, KEY_SORTS, type KeySort } from './check.js';
export { clusterPicker, deploymentsView } from './deployments.js';
export { errorsFilter, errorsView } from './errors.js';
export { eventView } from './event.js';
export { eventFilters, eventsView } from './events.js';
export { confirmView, signInView } from './forms.js';
export { insightsFilters, insightsView } from './insights.js';
export { applicationView, teamView } from './places.js';
export { schedulesView } from './schedules.js';
