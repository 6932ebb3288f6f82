import {
  digestCapacity,
  digestHeadline,
  formatDigest,
  replyCapacity,
  type DigestEntry,
} from '../../../modules/slack/digest.js';
import { allowChannels } from '../../../modules/slack/routing.js';

const now = Date.parse('2026-12-01T12:00:00Z');

function entries(count: number, length: number, kind: DigestEntry['kind'] = 'deployment'): DigestEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    kind,
    line: `• *app-${i}* ${'x'.repeat(Math.max(0, length - 12))}`,
    queuedAt: new Date(now - 20_000),
  }));
}

describe('digests', () => {
  it('say how many and since when: "14 deployments in the last minute"', () => {
    expect(digestHeadline(entries(14, 40), now)).toBe('14 deployments in the last minute');
    const mixed = [
      ...entries(12, 40),
      ...entries(2, 40, 'error'),
      { kind: 'deployment' as const, line: 'x', queuedAt: new Date(now - 150_000) },
    ];
    expect(digestHeadline(mixed, now)).toBe('13 deployments and 2 errors in the last 3 minutes');
    expect(digestHeadline(entries(1, 40, 'recommendation'), now)).toBe('1 recommendation in the last minute');
    expect(digestHeadline([...entries(3, 40), ...entries(2, 40, 'summary')], now)).toBe(
      '3 deployments and 2 summaries in the last minute',
    );
  });

  it("fit Slack's limits however many wait: 50 blocks, 3,000 characters a section, under 40,000 in all", () => {
    for (const [count, length] of [
      [300, 250],
      [2000, 40],
      [120, 600],
    ] as const) {
      const all = entries(count, length);
      const fits = digestCapacity(all.map((entry) => entry.line));
      expect(fits).toBeGreaterThan(0);
      expect(fits).toBeLessThanOrEqual(count);
      const digest = formatDigest(all.slice(0, fits), now);
      expect(digest.blocks.length).toBeLessThanOrEqual(50);
      const texts = digest.blocks.map((block) =>
        'text' in block ? block.text.text : block.type === 'context' ? block.elements[0]!.text : '',
      );
      for (const text of texts) expect(text.length).toBeLessThanOrEqual(3000);
      expect(texts.join('').length + digest.text.length).toBeLessThan(40_000);
      // One more line would not have fitted, unless every line did.
      if (fits < count) expect(digestCapacity(all.slice(0, fits + 1).map((entry) => entry.line))).toBe(fits);
    }
    // 300 lines of 250 characters do not fit one message: the rest goes in the next digest.
    expect(digestCapacity(entries(300, 250).map((entry) => entry.line))).toBeLessThan(300);
    expect(replyCapacity(entries(10, 100).map((entry) => entry.line))).toBe(10);
  });
});

describe('SLACK_ALLOWED_CHANNELS patterns', () => {
  const config = {
    channelOverride: [],
    channels: ['#ops'],
    allowedChannels: ['#team-*', '#deployments', '#app-?', 'C0123ABCD9'],
  };

  it('lets through names and patterns, and always the configured channels', () => {
    expect(
      allowChannels(config, [
        '#ops',
        '#team-a',
        '#team-',
        '#deployments',
        '#app-1',
        '#app-12',
        '#general',
        'C0123ABCD9',
        'C9999ABCD9',
      ]),
    ).toEqual({
      channels: ['#ops', '#team-a', '#team-', '#deployments', '#app-1', 'C0123ABCD9'],
      dropped: ['#app-12', '#general', 'C9999ABCD9'],
    });
  });

  it('lets everything through when unset, and reads "." in a pattern as itself', () => {
    expect(allowChannels({ channelOverride: [], channels: [] }, ['#general'])).toEqual({
      channels: ['#general'],
      dropped: [],
    });
    expect(
      allowChannels({ channelOverride: [], channels: [], allowedChannels: ['#a.b*'] }, ['#a.b-1', '#axb-1']),
    ).toEqual({ channels: ['#a.b-1'], dropped: ['#axb-1'] });
  });
});
