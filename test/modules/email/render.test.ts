import { EMAIL_RENDER } from '../../../modules/email/render.js';
import { normaliseAddresses } from '../../../modules/email/config.js';
import { textOf } from '../../../modules/email/html.js';
import type { InsightsWeekly, WeekFigures } from '../../../src/events/types.js';

const figures = (deployments: number, failed: number): WeekFigures => ({
  deployments,
  deploymentDays: 3,
  failed,
  changeFailureRate: deployments === 0 ? null : failed / deployments,
  restored: failed,
  timeToRestoreMedianMs: failed === 0 ? null : 12 * 60_000,
  leadTimes: deployments,
  leadTimeMedianMs: 2 * 3_600_000,
});

const weekly: InsightsWeekly = {
  cluster: 'active',
  week: { from: '2026-11-30T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z' },
  previousWeek: { from: '2026-11-23T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' },
  link: 'https://hub.example.test/insights?week=2026-11-30',
  overall: { current: figures(10, 2), previous: figures(8, 0) },
  teams: [
    {
      team: 'team-<x>',
      slackChannels: ['#team-x'],
      link: 'https://hub.example.test/insights?team=team-x',
      current: figures(4, 1),
      previous: figures(3, 0),
    },
  ],
};

describe("email's words", () => {
  it('mails the weekly summary with its four measures, the team name escaped in HTML and plain in text', () => {
    const { message, line } = EMAIL_RENDER.weeklyOverall(weekly);
    expect(message.subject).toBe('Delivery insights in active, week of 2026-11-30');
    expect(message.html).toContain('Change failure rate: <b>20 %</b>, 2 of 10 (was 0 %)');
    expect(message.html).toContain('team-&lt;x&gt; 4');
    expect(message.html).not.toContain('team-<x>');
    expect(message.text).toContain('• Time to restore: 12 min median of 2 (was n/a)');
    expect(message.text).toContain('Deployments per team: team-<x> 4');
    expect(message.text).toContain('The insights on the hub (https://hub.example.test/insights?week=2026-11-30)');
    expect(line).toBe('Delivery insights in active, week of 2026-11-30: 10 deployments');
    expect(EMAIL_RENDER.weeklyTeam(weekly, weekly.teams[0]!).message.subject).toBe(
      'Delivery insights of team-<x>, week of 2026-11-30',
    );
  });

  it('keeps a subject to one line, whatever the payload holds', () => {
    const error = EMAIL_RENDER.error(
      {
        message: 'first line\r\nBcc: victim@example.com\nthird',
        applicationName: 'app',
        cluster: null,
        stackTrace: null,
        slackChannels: [],
      } as unknown as Parameters<typeof EMAIL_RENDER.error>[0],
      { publicUrl: 'https://hub.example.test', eventId: 'e1' },
    );
    expect(error.message.subject).toBe('Error in app: first line Bcc: victim@example.com third');
    expect(error.message.subject).not.toMatch(/[\r\n]/);
  });

  it('reads links and line breaks of the HTML as text', () => {
    expect(textOf('<p>a &amp; b<br>c</p><p><a href="https://x.test/?a=1&amp;b=2">x</a></p>')).toBe(
      'a & b\nc\nx (https://x.test/?a=1&b=2)',
    );
  });

  it('takes mail addresses only, lower-cased and once: channels a payload names are not addresses', () => {
    expect(normaliseAddresses(['Ops@Example.com', '#team-x', 'ops@example.com', 'team-x', ' a.b@c.example '])).toEqual([
      'ops@example.com',
      'a.b@c.example',
    ]);
  });
});
