import type { EventType } from '../events/types.js';
import { notifyKindOf } from '../notify/silence.js';
import type { About, SendTo } from '../delivery/notification-hold.js';
import type { NotificationFacts } from './matchers.js';

/**
 * What a notification is about, from its event: the application, cluster and team of the event (a check's
 * outcome carries its deployment's; an inspection's are its key's dimensions), the event's type and the layer's
 * kind as `kind`, the check for inspections and outcomes, and the target and its module as `target`. Every
 * question silences answer (a whole delivery, one send, the explain view) builds its facts here.
 */
export function notificationFacts(
  event: { type: EventType; payload: unknown },
  about: About,
  to: SendTo,
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
  const said = to.kind ?? notifyKindOf(event.type, event.payload);
  return {
    application: about.applicationName ?? text(dimensions.application),
    cluster: about.cluster ?? text(dimensions.cluster),
    team: about.team ?? text(dimensions.team),
    kind: said && said !== event.type ? [event.type, said] : event.type,
    check,
    target: to.target === to.module ? to.target : [to.target, to.module],
  };
}

/** The application, cluster and team an event's payload names itself (an inspection's come from its dimensions). */
export function aboutOf(payload: unknown): About {
  const fields = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return { applicationName: text(fields.applicationName), cluster: text(fields.cluster), team: text(fields.team) };
}
