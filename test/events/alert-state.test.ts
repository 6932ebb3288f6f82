import { keyOf, nextAlertState, worstOf, type AlertState } from '../../src/events/alert-state.js';
import type { CheckStatus, TransitionName } from '../../src/events/types.js';

/** Feeds statuses one after another; answers the transition of each step (null for none) and the last state. */
function feed(
  statuses: CheckStatus[],
  thresholds?: { alertAfter: number; recoverAfter: number },
  start: AlertState | null = null,
) {
  let state = start;
  const transitions: Array<TransitionName | null> = [];
  statuses.forEach((status, index) => {
    const step = nextAlertState(state, status, new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(), thresholds);
    transitions.push(step.transition);
    state = step.state;
  });
  return { transitions, state: state! };
}

describe('the alert state machine', () => {
  it('does not alert on a single bad result, and alerts on the second by default', () => {
    expect(feed(['error']).transitions).toEqual([null]);
    const { transitions, state } = feed(['ok', 'error', 'error']);
    expect(transitions).toEqual([null, null, 'alert']);
    expect(state).toMatchObject({ alertStatus: 'error', badStreak: 2, since: '2026-01-01T00:02:00.000Z' });
  });

  it('counts warning, error and critical alike towards an alert, and ok and info alike towards recovery', () => {
    expect(feed(['warning', 'critical']).transitions).toEqual([null, 'alert']);
    expect(feed(['warning', 'warning', 'ok', 'info']).transitions).toEqual([null, 'alert', null, 'recovered']);
    expect(feed(['info', 'info', 'info']).transitions).toEqual([null, null, null]);
  });

  it('needs the bad results consecutive: a good one in between starts the count again', () => {
    expect(feed(['error', 'ok', 'error', 'ok', 'error']).transitions).toEqual([null, null, null, null, null]);
  });

  it('escalates only when the status gets worse than the one alerted at, once per step up', () => {
    expect(feed(['warning', 'warning', 'error', 'error', 'critical', 'warning', 'critical']).transitions).toEqual([
      null,
      'alert',
      'escalated',
      null,
      'escalated',
      null,
      null,
    ]);
  });

  it('recovers after recoverAfter consecutive good results, and a bad one in between starts that count again', () => {
    expect(feed(['error', 'error', 'ok', 'error', 'ok', 'ok']).transitions).toEqual([
      null,
      'alert',
      null,
      null,
      null,
      'recovered',
    ]);
    const { state } = feed(['error', 'error', 'ok', 'ok']);
    expect(state).toMatchObject({ alertStatus: null, since: null, goodStreak: 2 });
  });

  it('raises nothing more while a key stays good, or stays bad at the same level', () => {
    expect(feed(['error', 'error', 'error', 'error', 'ok', 'ok', 'ok', 'ok']).transitions).toEqual([
      null,
      'alert',
      null,
      null,
      null,
      'recovered',
      null,
      null,
    ]);
  });

  it('honours other thresholds: alertAfter 1 alerts at once, alertAfter 3 and recoverAfter 1', () => {
    expect(feed(['critical'], { alertAfter: 1, recoverAfter: 2 }).transitions).toEqual(['alert']);
    expect(feed(['error', 'error', 'error', 'ok'], { alertAfter: 3, recoverAfter: 1 }).transitions).toEqual([
      null,
      null,
      'alert',
      'recovered',
    ]);
  });

  it('keeps the alert start for the recovery and reports the previous status', () => {
    let state: AlertState | null = null;
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
    state = nextAlertState(state, 'error', at(0)).state;
    const alert = nextAlertState(state, 'error', at(1));
    expect(alert).toMatchObject({ transition: 'alert', previousStatus: 'error', alertSince: at(1) });
    state = nextAlertState(alert.state, 'ok', at(2)).state;
    const recovered = nextAlertState(state, 'ok', at(14));
    expect(recovered).toMatchObject({ transition: 'recovered', previousStatus: 'ok', alertSince: at(1) });
    expect(nextAlertState(null, 'ok', at(0)).previousStatus).toBeNull();
  });

  it('continues from a stored state (a restart): an alert already raised is not raised again', () => {
    const raised = feed(['error', 'error']).state;
    expect(feed(['error', 'error'], undefined, raised).transitions).toEqual([null, null]);
    const half = feed(['error']).state;
    expect(feed(['error'], undefined, half).transitions).toEqual(['alert']);
  });

  it('names keys by check and sorted dimensions, and finds the worst status', () => {
    expect(keyOf('endpoints.health', { cluster: 'active', application: 'app' })).toBe(
      'endpoints.health{application=app,cluster=active}',
    );
    expect(keyOf('nightly', {})).toBe('nightly');
    expect(worstOf(['ok', 'critical', 'warning'])).toBe('critical');
    expect(worstOf([])).toBe('ok');
  });
});
