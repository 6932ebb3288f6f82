import { compileMatchers } from '../../src/silences/matchers.js';
import { silenceInput, silenceSpanAt, silenceStateAt, type Silence } from '../../src/silences/model.js';
import { windowsBetween } from '../../src/silences/recurrence.js';

const ZONE = 'Europe/Stockholm';

function recurring(recurrence: string, durationMinutes: number, startsAt: string): Silence {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    matchers: {},
    startsAt,
    endsAt: null,
    recurrence,
    durationMinutes,
    timeZone: ZONE,
    reason: 'maintenance',
    createdBy: 'ops',
    origin: 'api',
    createdAt: startsAt,
    endedBy: null,
  };
}

/**
 * A controllable clock stepped minute by minute from `from` to `to`: every minute the silence holds must lie in
 * one of the expected windows (none leaked) and every minute of those windows must be held (none missed).
 */
function sweep(silence: Silence, from: string, to: string, expected: Array<[string, string]>) {
  const windows = expected.map(([opens, closes]) => [Date.parse(opens), Date.parse(closes)] as const);
  let leaked = 0;
  let missed = 0;
  let held = 0;
  let span: ReturnType<typeof silenceSpanAt> | null = null;
  let disagreed = 0;
  for (let at = Date.parse(from); at < Date.parse(to); at += 60_000) {
    // The hot path's way: a remembered span, judged again only once the clock leaves it.
    if (!span || at < span.from || at >= span.until) span = silenceSpanAt(silence, new Date(at));
    const holds = span.state === 'active';
    if (holds !== (silenceStateAt(silence, new Date(at)).state === 'active')) disagreed += 1;
    const should = windows.some(([opens, closes]) => at >= opens && at < closes);
    if (holds && !should) leaked += 1;
    if (!holds && should) missed += 1;
    if (holds) held += 1;
  }
  expect(disagreed).toBe(0);
  return { leaked, missed, held };
}

describe('recurring windows across daylight-saving changes (Europe/Stockholm)', () => {
  it('opens a 02:30 window on the spring-forward night at the first valid time after it, 03:00 CEST', () => {
    const silence = recurring('FREQ=DAILY;BYHOUR=2;BYMINUTE=30', 60, '2026-03-20T00:00:00Z');
    // 28 March 02:30 CET = 01:30Z; 29 March 02:30 does not exist, the clocks jump 02:00 CET -> 03:00 CEST at
    // 01:00Z; 30 March 02:30 CEST = 00:30Z.
    const expected: Array<[string, string]> = [
      ['2026-03-28T01:30:00Z', '2026-03-28T02:30:00Z'],
      ['2026-03-29T01:00:00Z', '2026-03-29T02:00:00Z'],
      ['2026-03-30T00:30:00Z', '2026-03-30T01:30:00Z'],
    ];
    expect(sweep(silence, '2026-03-27T22:00:00Z', '2026-03-30T06:00:00Z', expected)).toEqual({
      leaked: 0,
      missed: 0,
      held: 180,
    });
    const opened = windowsBetween(
      { recurrence: silence.recurrence!, durationMinutes: 60, timeZone: ZONE },
      new Date(silence.startsAt),
      new Date('2026-03-28T00:00:00Z'),
      new Date('2026-03-31T00:00:00Z'),
    );
    expect(opened.map((window) => window.opensAt.toISOString())).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('opens a 02:30 window once on the fall-back night, at the first 02:30 (CEST)', () => {
    const silence = recurring('FREQ=DAILY;BYHOUR=2;BYMINUTE=30', 60, '2026-10-20T00:00:00Z');
    // 25 October: 02:30 CEST = 00:30Z; the clock shows 02:30 again (CET) at 01:30Z, which must not reopen it.
    const expected: Array<[string, string]> = [
      ['2026-10-24T00:30:00Z', '2026-10-24T01:30:00Z'],
      ['2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z'],
      ['2026-10-26T01:30:00Z', '2026-10-26T02:30:00Z'],
    ];
    expect(sweep(silence, '2026-10-23T22:00:00Z', '2026-10-26T06:00:00Z', expected)).toEqual({
      leaked: 0,
      missed: 0,
      held: 180,
    });
    const opened = windowsBetween(
      { recurrence: silence.recurrence!, durationMinutes: 60, timeZone: ZONE },
      new Date(silence.startsAt),
      new Date('2026-10-25T00:00:00Z'),
      new Date('2026-10-26T00:00:00Z'),
    );
    expect(opened).toHaveLength(1);
  });

  it('keeps a weekly window that spans midnight open into the next day, and honours the weekday', () => {
    // Fridays 23:00 for two hours: Friday 4 December 23:00 CET = 22:00Z until Saturday 01:00 CET.
    const silence = recurring('FREQ=WEEKLY;BYDAY=FR;BYHOUR=23;BYMINUTE=0', 120, '2026-11-30T00:00:00Z');
    const expected: Array<[string, string]> = [
      ['2026-12-04T22:00:00Z', '2026-12-05T00:00:00Z'],
      ['2026-12-11T22:00:00Z', '2026-12-12T00:00:00Z'],
    ];
    expect(sweep(silence, '2026-12-01T00:00:00Z', '2026-12-14T00:00:00Z', expected)).toEqual({
      leaked: 0,
      missed: 0,
      held: 240,
    });
  });

  it('cuts a window short where the series ends, and holds nothing before the series starts', () => {
    const silence = {
      ...recurring('FREQ=DAILY;BYHOUR=12;BYMINUTE=0', 60, '2026-12-02T00:00:00Z'),
      endsAt: '2026-12-03T11:30:00Z',
    };
    // 12:00 CET = 11:00Z: 2 December whole, 3 December until 11:30Z; nothing on 1 December (before the start).
    const expected: Array<[string, string]> = [
      ['2026-12-02T11:00:00Z', '2026-12-02T12:00:00Z'],
      ['2026-12-03T11:00:00Z', '2026-12-03T11:30:00Z'],
    ];
    expect(sweep(silence, '2026-12-01T00:00:00Z', '2026-12-05T00:00:00Z', expected)).toMatchObject({
      leaked: 0,
      missed: 0,
    });
  });
});

describe('silence input and matchers', () => {
  it('refuses a one-off without an end or longer than 7 days, and a recurring window without a zone', () => {
    const base = { reason: 'upgrade', startsAt: '2026-12-07T10:00:00Z' };
    expect(silenceInput.safeParse({ ...base, endsAt: '2026-12-14T10:00:00Z' }).success).toBe(true);
    expect(silenceInput.safeParse({ ...base, endsAt: '2026-12-14T10:00:01Z' }).success).toBe(false);
    const noZone = silenceInput.safeParse({ ...base, recurrence: 'FREQ=DAILY', durationMinutes: 30 });
    expect(noZone.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['timeZone']);
    const withDtstart = silenceInput.safeParse({
      ...base,
      recurrence: 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY',
      durationMinutes: 30,
      timeZone: ZONE,
    });
    expect(withDtstart.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['recurrence']);
  });

  it('matches whole values and anchored regular expressions, and never a key the notification lacks', () => {
    const matches = compileMatchers({ application: ['~kth-.*', 'portal'], kind: ['deployment', 'error'] });
    expect(matches({ application: 'kth-azure-app', kind: 'deployment', target: 'slack' })).toBe(true);
    expect(matches({ application: 'portal', kind: 'error', target: 'slack' })).toBe(true);
    expect(matches({ application: 'my-kth-app', kind: 'deployment', target: 'slack' })).toBe(false);
    expect(matches({ application: 'portal-2', kind: 'deployment', target: 'slack' })).toBe(false);
    expect(matches({ application: 'portal', kind: 'inspection', target: 'slack' })).toBe(false);
    expect(compileMatchers({ check: ['endpoints.health'] })({ kind: 'deployment', target: 'slack' })).toBe(false);
    expect(compileMatchers({})({ kind: 'deployment', target: 'slack' })).toBe(true);
  });
});
