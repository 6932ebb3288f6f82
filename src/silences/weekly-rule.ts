/** The days of an RRULE's BYDAY, Monday first, with their names. */
export const WEEKDAYS = [
  ['MO', 'Monday'],
  ['TU', 'Tuesday'],
  ['WE', 'Wednesday'],
  ['TH', 'Thursday'],
  ['FR', 'Friday'],
  ['SA', 'Saturday'],
  ['SU', 'Sunday'],
] as const;
export type Weekday = (typeof WEEKDAYS)[number][0];

const CODES = new Set<string>(WEEKDAYS.map(([code]) => code));

export function isWeekday(value: string): value is Weekday {
  return CODES.has(value);
}

/** "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=2;BYMINUTE=0": the rule a form's days and start time make (days in week order). */
export function weeklyRule(days: readonly Weekday[], hour: number, minute: number): string {
  const ordered = WEEKDAYS.map(([code]) => code).filter((code) => days.includes(code));
  return `FREQ=WEEKLY;BYDAY=${ordered.join(',')};BYHOUR=${hour};BYMINUTE=${minute}`;
}

/** "HH:MM" (00:00–23:59) as hour and minute; null for anything else. */
export function clockTime(value: string): { hour: number; minute: number } | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value.trim());
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
}

function names(days: string[]): string {
  const named = days.map((day) => WEEKDAYS.find(([code]) => code === day)![1]);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named.at(-1)!}`;
}

/**
 * A weekly or daily rule at one time of day in words ("every Monday and Wednesday at 02:00", "every day at
 * 23:30"); null for any other rule, which is then shown as written.
 */
export function ruleInWords(recurrence: string): string | null {
  const parts = new Map<string, string>();
  for (const part of recurrence
    .trim()
    .replace(/^RRULE:/i, '')
    .split(';')) {
    if (part.trim() === '') continue;
    const [name, value, ...rest] = part.split('=');
    if (!name || value === undefined || rest.length > 0) return null;
    parts.set(name.trim().toUpperCase(), value.trim().toUpperCase());
  }
  const freq = parts.get('FREQ');
  const allowed = new Set(['FREQ', 'BYDAY', 'BYHOUR', 'BYMINUTE', 'INTERVAL']);
  if ((freq !== 'WEEKLY' && freq !== 'DAILY') || [...parts.keys()].some((name) => !allowed.has(name))) return null;
  if ((parts.get('INTERVAL') ?? '1') !== '1') return null;
  const hour = parts.get('BYHOUR') ?? '';
  const minute = parts.get('BYMINUTE') ?? '0';
  if (!/^\d{1,2}$/.test(hour) || !/^\d{1,2}$/.test(minute)) return null;
  const at = `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
  const byDay = parts.get('BYDAY');
  if (byDay === undefined) return freq === 'DAILY' ? `every day at ${at}` : null;
  const days = byDay.split(',');
  if (!days.every(isWeekday)) return null;
  const ordered = WEEKDAYS.map(([code]) => code).filter((code) => days.includes(code));
  return ordered.length === 7 ? `every day at ${at}` : `every ${names(ordered)} at ${at}`;
}
