import { clockTime, ruleInWords, weeklyRule } from '../../src/silences/weekly-rule.js';

describe('weekly rules the silences page builds and reads', () => {
  it('builds the RRULE of days (in week order) and a start time', () => {
    expect(weeklyRule(['WE', 'MO'], 2, 30)).toBe('FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=2;BYMINUTE=30');
  });

  it('reads HH:MM and nothing else as a time of day', () => {
    expect(clockTime('02:30')).toEqual({ hour: 2, minute: 30 });
    expect(clockTime('23:59')).toEqual({ hour: 23, minute: 59 });
    for (const bad of ['24:00', '2:30', '02:60', '0230', '']) expect(clockTime(bad)).toBeNull();
  });

  it('says weekly and daily rules at one time in words, and leaves any other rule as written', () => {
    expect(ruleInWords('FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0')).toBe('every Sunday at 02:00');
    expect(ruleInWords('RRULE:FREQ=WEEKLY;BYDAY=FR,MO,WE;BYHOUR=23;BYMINUTE=5')).toBe(
      'every Monday, Wednesday and Friday at 23:05',
    );
    expect(ruleInWords('FREQ=DAILY;BYHOUR=6')).toBe('every day at 06:00');
    expect(ruleInWords('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=1;BYMINUTE=0')).toBe('every day at 01:00');
    expect(ruleInWords('FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=2')).toBeNull();
    expect(ruleInWords('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=2')).toBeNull();
    expect(ruleInWords('FREQ=WEEKLY;BYDAY=1MO;BYHOUR=2')).toBeNull();
  });
});
