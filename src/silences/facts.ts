import type { HubEvent } from '../events/types.js';
import type { NotificationFacts } from './matchers.js';

/**
 * What a notification is about, from its event: the application, cluster and team of the event (a check's
 * outcome carries its deployment's; an inspection's are its key's dimensions), the event's type as `kind`, the
 * check for inspections and outcomes, and where it would go.
 */
export function notificationFacts(
  event: HubEvent,
  about: { applicationName: string | null; cluster: string | null; team: string | null },
  target: string,
): NotificationFacts {
  const payload = (event.payload ?? {}) as unknown as Record<string, unknown>;
  const dimensions = (
    event.type === 'inspection' && typeof payload.dimensions === 'object' && payload.dimensions !== null
      ? payload.dimensions
      : {}
  ) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  const check =
    event.type === 'inspection' ? text(payload.check) : event.type === 'check.finished' ? text(payload.module) : null;
  return {
    application: about.applicationName ?? text(dimensions.application),
    cluster: about.cluster ?? text(dimensions.cluster),
    team: about.team ?? text(dimensions.team),
    kind: event.type,
    check,
    target,
  };
}

/** The application, cluster and team an event's payload names itself (an inspection's come from its dimensions). */
export function aboutOf(payload: unknown): {
  applicationName: string | null;
  cluster: string | null;
  team: string | null;
} {
  const fields = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return { applicationName: text(fields.applicationName), cluster: text(fields.cluster), team: text(fields.team) };
}
