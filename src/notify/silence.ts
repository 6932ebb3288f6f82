import type { EventType, TransitionName } from '../events/types.js';

/** The kinds of message the layer sends: what routes, templates and silences speak of. */
export type NotifyKind =
  | 'deployment'
  | 'removal'
  | 'error'
  | 'recommendation'
  | 'alert'
  | 'escalation'
  | 'recovery'
  | 'outcome'
  | 'weekly'
  /** What was still failing when a silence or maintenance window closed (words the provider composes). */
  | 'maintenance';

/** The kind an inspection's transition is said as: an alert opens, a recovery closes, anything else escalates. */
export function transitionKind(transition: TransitionName): 'alert' | 'escalation' | 'recovery' {
  if (transition === 'alert') return 'alert';
  return transition === 'recovered' ? 'recovery' : 'escalation';
}

/**
 * The kind an event is said as, whichever target tells it: a deployment or removal, an alert, escalation or
 * recovery (an inspection's transition), a check's outcome, the weekly summary, a maintenance summary. Null for an
 * event no notification tells.
 */
export function notifyKindOf(type: EventType, payload: unknown): NotifyKind | null {
  const fields = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  switch (type) {
    case 'deployment':
      return fields.removal ? 'removal' : 'deployment';
    case 'error':
    case 'recommendation':
      return type;
    case 'inspection':
      return transitionKind(fields.transition as TransitionName);
    case 'check.finished':
      return 'outcome';
    case 'insights.weekly':
      return 'weekly';
    case 'silence.ended':
      return 'maintenance';
    default:
      return null;
  }
}
