import { duration } from '../../src/status-page/html.js';
import { errorText, markdown, mrkdwn, stackTrace } from '../../src/status-page/rich-text.js';
import { sinceTime } from '../../src/status-page/handlers/overview-pages.js';
import { whenText } from '../../src/status-page/views/schedules.js';
import { changesOf, sortKeys } from '../../src/status-page/views/check.js';
import type { KeyState } from '../../src/store/inspection-state-repo.js';

describe('text as people wrote it', () => {
  it('renders Markdown to HTML and drops every piece of raw HTML that could run or load', () => {
    const hostile = [
      '**bold** _em_ `code` [ok](https://example.test/a?b=1)',
      '<script>alert(1)</script><img src=x onerror=alert(2)><iframe src="https://evil.test"></iframe>',
      '[js](javascript:alert(3)) [data](data:text/html,<b>x</b>) [proto](//evil.test/x)',
      '<a href="https://example.test" onclick="alert(4)" style="color:red">styled</a>',
      '<svg onload=alert(5)><circle/></svg><form action="https://evil.test"><input name=x></form>',
      '# Heading',
    ].join('\n\n');
    const out = markdown(hostile).text;
    expect(out).toContain('<strong>bold</strong>');
    expect(out).toContain('<em>em</em>');
    expect(out).toContain('<code>code</code>');
    expect(out).toContain('<a href="https://example.test/a?b=1" rel="noopener noreferrer nofollow">ok</a>');
    // Tags that are not allowed are shown as text; no real tag carries a handler, a style or a script URL.
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).not.toMatch(/<(script|img|iframe|svg|form|input|h1)[\s>]/);
    expect(out).not.toMatch(/<[a-z][^>]*\s(on\w+|style)=/);
    expect(out).not.toMatch(/href="(javascript|data):/);
    expect(out).not.toContain('href="//evil.test');
    expect(out).toContain('<p>Heading</p>');
  });

  it("shows Slack's mrkdwn as formatting, with everything else escaped", () => {
    expect(mrkdwn('*Broken service* in *active*').text).toBe(
      '<strong>Broken service</strong> in <strong>active</strong>',
    );
    expect(mrkdwn('_slow_ and ~gone~ and `x<y`').text).toBe(
      '<em>slow</em> and <del>gone</del> and <code>x&lt;y</code>',
    );
    expect(mrkdwn('<https://example.test/t|the thread> and <https://example.test/u>').text).toBe(
      '<a href="https://example.test/t" rel="noopener noreferrer nofollow">the thread</a> and ' +
        '<a href="https://example.test/u" rel="noopener noreferrer nofollow">https://example.test/u</a>',
    );
    expect(mrkdwn('<script>alert(1)</script> a*b*c').text).toBe('&lt;script&gt;alert(1)&lt;/script&gt; a*b*c');
    expect(mrkdwn('<javascript:alert(1)|click>').text).not.toContain('href');
  });

  it('keeps a stack trace’s lines in a preformatted block, escaped', () => {
    expect(stackTrace('Error: <boom>\n  at f (a.js:1)').text).toBe(
      '<pre class="trace" tabindex="0">Error: &lt;boom&gt;\n  at f (a.js:1)</pre>',
    );
  });

  it('says an error code in words, with the code beside it', () => {
    const text = errorText({
      code: 'HUB_ERR_UPSTREAM',
      status: 500,
      message: 'webhook answered 500',
      reason: 'http_500',
    }).text;
    expect(text).toContain('The other side answered with an error (HTTP 500): webhook answered 500');
    expect(text).not.toContain('http_500');
    expect(text).toContain('<code class="code">HUB_ERR_UPSTREAM</code>');
    expect(errorText({ message: 'plain' }).text).toContain('Failed: plain');
  });
});

describe('words, not codes', () => {
  it('says durations in minutes and seconds', () => {
    expect(duration(338_308)).toBe('5 min 38 s');
    expect(duration(850)).toBe('850 ms');
    expect(duration(12_400)).toBe('12 s');
    expect(duration(3_600_000 + 5 * 60_000)).toBe('1 h 5 min');
    expect(duration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
  });

  it('says when a schedule runs', () => {
    expect(whenText({ cron: null, intervalSeconds: 20 })).toBe('every 20 s');
    expect(whenText({ cron: null, intervalSeconds: 600 })).toBe('every 10 min');
    expect(whenText({ cron: '17 * * * *', intervalSeconds: null })).toBe('cron 17 * * * * (UTC)');
    expect(whenText({ cron: null, intervalSeconds: null })).toBe('off');
  });

  it('reads the time windows of /events', () => {
    const now = new Date('2026-12-07T12:30:00Z');
    expect(sinceTime('1h', now)?.toISOString()).toBe('2026-12-07T11:30:00.000Z');
    expect(sinceTime('7d', now)?.toISOString()).toBe('2026-11-30T12:30:00.000Z');
    const yesterday = sinceTime('yesterday', now)!;
    expect(yesterday.getTime()).toBeLessThan(now.getTime() - 86_400_000 + 1);
    expect(yesterday.getHours()).toBe(0);
    expect(sinceTime('2026-12-01T00:00:00Z', now)?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(sinceTime('last-tuesday', now)).toBeNull();
    expect(sinceTime('1763800000', now)).toBeNull();
  });
});

describe('targets of a check', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  const key = (name: string, statuses: string[], alertStatus: string | null = null): KeyState => ({
    check: 'c',
    key: `c{target=${name}}`,
    dimensions: { target: name },
    status: statuses.at(-1) as KeyState['status'],
    alertStatus: alertStatus as KeyState['alertStatus'],
    badStreak: 0,
    goodStreak: 0,
    since: null,
    title: name,
    message: '',
    updatedAt: new Date(now).toISOString(),
    statusSince: new Date(now - statuses.length * 1000).toISOString(),
    history: statuses.map((status, index) => ({
      status: status as KeyState['status'],
      at: new Date(now - (statuses.length - index) * 60_000).toISOString(),
    })),
  });

  it('counts changes of status inside the flapping window only', () => {
    expect(changesOf(key('a', ['ok', 'error', 'ok', 'error', 'ok']), now)).toBe(4);
    expect(changesOf(key('b', ['ok', 'ok', 'ok']), now)).toBe(0);
    const old = key('c', ['ok', 'error', 'ok']);
    expect(changesOf(old, now + 60 * 60_000)).toBe(0);
  });

  it('sorts failing first, then the flapping, then by name', () => {
    const keys = [
      key('quiet', ['ok', 'ok']),
      key('flapping', ['ok', 'error', 'ok', 'error', 'ok']),
      key('down', ['error', 'error'], 'error'),
      key('worse', ['critical', 'critical'], 'critical'),
    ];
    expect(sortKeys(keys, 'status', now).map((k) => k.title)).toEqual(['worse', 'down', 'flapping', 'quiet']);
    expect(sortKeys(keys, 'target', now).map((k) => k.title)).toEqual(['down', 'flapping', 'quiet', 'worse']);
    expect(sortKeys(keys, 'changes', now)[0]!.title).toBe('flapping');
  });
});
