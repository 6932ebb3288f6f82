import { DateTime, IANAZone } from 'luxon';
import rrulePackage from 'rrule';

// rrule ships CommonJS; its named exports are reachable through the default under Node's ESM loader.
const { RRule } = rrulePackage;
type RRuleInstance = InstanceType<typeof RRule>;

/**
 * A recurring window: an RFC 5545 RRULE read as wall-clock times in an IANA time zone, open for
 * `durationMinutes` from each occurrence.
 *
 * rrule itself knows no time zones worth trusting across daylight-saving changes, so it is run on "floating"
 * times (wall-clock fields stored as if they were UTC) and each occurrence is placed in the zone by luxon.
 * Two nights a year need a rule of their own:
 * - spring forward: a wall-clock time in the gap (02:30 in Stockholm) does not exist; the window opens at the
 *   first valid instant after it, the moment the clocks jump (03:00 local), not an hour later as a plain
 *   "shift by the gap" would.
 * - fall back: a wall-clock time in the repeated hour exists twice; the window opens once, at the first.
 * A window lasts `durationMinutes` of real time from the moment it opens.
 */
export interface Recurrence {
  recurrence: string;
  durationMinutes: number;
  timeZone: string;
}

export interface OpenWindow {
  opensAt: Date;
  closesAt: Date;
}

/** Parts of an RRULE the hub sets itself: the start comes from the silence, the zone from `timeZone`. */
const FORBIDDEN_PARTS = /(^|[;\n:])\s*(DTSTART|TZID)\b/i;

/** Problems with a recurrence, by field (empty when it is usable). */
export function recurrenceProblems(input: Recurrence): Array<{ field: keyof Recurrence; message: string }> {
  const problems: Array<{ field: keyof Recurrence; message: string }> = [];
  if (!IANAZone.isValidZone(input.timeZone))
    problems.push({ field: 'timeZone', message: `"${input.timeZone}" is not an IANA time zone (Europe/Stockholm)` });
  try {
    parseRule(input.recurrence, new Date(0));
  } catch (error) {
    problems.push({ field: 'recurrence', message: (error as Error).message });
  }
  return problems;
}

function ruleText(recurrence: string): string {
  return recurrence.trim().replace(/^RRULE:/i, '');
}

/** The rule on floating times, counted from `floatingStart` (a wall-clock time written as UTC). */
function parseRule(recurrence: string, floatingStart: Date): RRuleInstance {
  const text = ruleText(recurrence);
  if (text === '') throw new Error('an RRULE is required (FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0)');
  if (FORBIDDEN_PARTS.test(text))
    throw new Error('DTSTART and TZID are not part of the rule: the start is startsAt, the zone is timeZone');
  let options;
  try {
    options = RRule.parseString(text);
  } catch (error) {
    throw new Error(`not an RRULE: ${(error as Error).message}`, { cause: error });
  }
  if (options.freq === undefined) throw new Error('the RRULE has no FREQ');
  // rrule accepts unknown parts and nonsense values silently; round-tripping catches the ones it drops.
  const known =
    /^(FREQ|UNTIL|COUNT|INTERVAL|BYSECOND|BYMINUTE|BYHOUR|BYDAY|BYMONTHDAY|BYYEARDAY|BYWEEKNO|BYMONTH|BYSETPOS|WKST)=/i;
  for (const part of text.split(';').filter((part) => part.trim() !== '')) {
    if (!known.test(part.trim())) throw new Error(`unknown RRULE part "${part.trim()}"`);
  }
  for (const [name, max] of [
    ['byhour', 23],
    ['byminute', 59],
    ['bysecond', 59],
  ] as const) {
    const values = options[name];
    const list = values === undefined || values === null ? [] : Array.isArray(values) ? values : [values];
    if (list.some((value) => !Number.isInteger(value) || value < 0 || value > max))
      throw new Error(`${name.toUpperCase()} must be between 0 and ${max}`);
  }
  const byday = /(?:^|;)BYDAY=([^;]*)/i.exec(text)?.[1];
  if (byday !== undefined && !byday.split(',').every((day) => /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/i.test(day)))
    throw new Error(`BYDAY "${byday}" must list days as MO,TU,WE,TH,FR,SA,SU (optionally with a position: 1MO, -1FR)`);
  if (Number.isNaN(options.until?.getTime() ?? 0)) throw new Error('UNTIL is not a date');
  try {
    // Seconds default to those of the start, which is midnight: windows open on the minute.
    // noCache: rrule otherwise keeps every between() answer and searches them linearly on each call.
    return new RRule({ bysecond: 0, ...options, dtstart: floatingStart, tzid: null }, true);
  } catch (error) {
    throw new Error(`not a usable RRULE: ${(error as Error).message}`, { cause: error });
  }
}

/** Wall-clock fields of `at` in `zone`, written as a UTC date (rrule's floating time). */
function floating(at: DateTime): Date {
  return new Date(Date.UTC(at.year, at.month - 1, at.day, at.hour, at.minute, at.second));
}

/**
 * The instant a floating occurrence opens in `zone`: the wall-clock time if it exists; the first instant after
 * it if it falls in a spring-forward gap; the earlier of the two if it falls in a fall-back overlap.
 */
export function placeWallClock(occurrence: Date, zone: string): Date {
  const fields = {
    year: occurrence.getUTCFullYear(),
    month: occurrence.getUTCMonth() + 1,
    day: occurrence.getUTCDate(),
    hour: occurrence.getUTCHours(),
    minute: occurrence.getUTCMinutes(),
    second: occurrence.getUTCSeconds(),
  };
  const placed = DateTime.fromObject(fields, { zone });
  if (placed.hour === fields.hour && placed.minute === fields.minute) {
    // In an overlap luxon may pick either offset; the earlier instant is the first time the clock shows it.
    const earlier = placed.minus({ hours: 1 });
    if (earlier.hour === fields.hour && earlier.minute === fields.minute && earlier.day === fields.day)
      return earlier.toJSDate();
    return placed.toJSDate();
  }
  // In a gap: luxon moved it forward by the gap's length. The first valid instant after the wanted wall-clock
  // time is the transition itself, the first instant whose local time is past the wanted one.
  const wanted = DateTime.fromObject(fields, { zone: 'UTC' }).toMillis();
  const localMillis = (ms: number) => {
    const local = DateTime.fromMillis(ms, { zone });
    return local.toMillis() + local.offset * 60_000;
  };
  // Whole seconds: `low` is before the jump (its local time short of the wanted one), `high` after it.
  let low = Math.floor(placed.toMillis() / 1_000) - 3 * 3_600;
  let high = Math.floor(placed.toMillis() / 1_000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (localMillis(middle * 1_000) >= wanted) high = middle;
    else low = middle;
  }
  return new Date(high * 1_000);
}

/**
 * Parsed rules by text, zone and start: every notification asks each recurring silence whether it is open, and
 * parsing is most of that cost. Bounded: silences are few, and a full cache is simply emptied.
 */
const parsed = new Map<string, RRuleInstance>();
const PARSED_MAX = 1_000;

/** The rule, counted from the day the silence starts on, in the zone's wall clock. */
function ruleFrom(rule: Recurrence, startsAt: Date): RRuleInstance {
  const key = `${rule.recurrence}\n${rule.timeZone}\n${startsAt.getTime()}`;
  const known = parsed.get(key);
  if (known) return known;
  const start = DateTime.fromJSDate(startsAt, { zone: rule.timeZone }).startOf('day');
  const fresh = parseRule(rule.recurrence, floating(start));
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(key, fresh);
  return fresh;
}

/** Occurrences (as real instants) whose window could touch [from, to]. */
function openingsAround(rule: Recurrence, startsAt: Date, from: Date, to: Date): Date[] {
  const parsed = ruleFrom(rule, startsAt);
  // Floating and real times differ by the zone's offset (at most 14 h either way); a day's margin covers it.
  const margin = 24 * 3_600_000;
  const floatingFrom = new Date(from.getTime() - rule.durationMinutes * 60_000 - margin);
  const floatingTo = new Date(to.getTime() + margin);
  return parsed
    .between(floatingFrom, floatingTo, true)
    .map((occurrence) => placeWallClock(occurrence, rule.timeZone))
    .filter((opensAt) => opensAt.getTime() >= startsAt.getTime());
}

/** The window open at `at`, if any (the latest to open, when windows overlap). */
export function windowAt(rule: Recurrence, startsAt: Date, at: Date): OpenWindow | null {
  const length = rule.durationMinutes * 60_000;
  const open = openingsAround(rule, startsAt, at, at)
    .filter((opensAt) => opensAt.getTime() <= at.getTime() && at.getTime() < opensAt.getTime() + length)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return open ? { opensAt: open, closesAt: new Date(open.getTime() + length) } : null;
}

/** Windows that open in [from, to), in order: what a page shows as "next" and what the tests count. */
export function windowsBetween(rule: Recurrence, startsAt: Date, from: Date, to: Date): OpenWindow[] {
  const length = rule.durationMinutes * 60_000;
  return openingsAround(rule, startsAt, from, to)
    .filter((opensAt) => opensAt.getTime() >= from.getTime() && opensAt.getTime() < to.getTime())
    .sort((a, b) => a.getTime() - b.getTime())
    .map((opensAt) => ({ opensAt, closesAt: new Date(opensAt.getTime() + length) }));
}
