import { LIMITS, context, fitMessage, section, type SlackBlock } from '../../../modules/slack/blocks.js';
import { codeBlock, cutSafely, escapeText, link, truncate, TRUNCATED_NOTE } from '../../../modules/slack/mrkdwn.js';

describe('escaping payload text for Slack', () => {
  it('turns &, < and > into entities and leaves everything else alone', () => {
    expect(escapeText('a & b < c > d *bold* _it_ `code` @here')).toBe(
      'a &amp; b &lt; c &gt; d *bold* _it_ `code` @here',
    );
  });

  it('defuses a channel ping and a disguised link', () => {
    expect(escapeText('<!channel> <https://evil.example|Click>')).toBe(
      '&lt;!channel&gt; &lt;https://evil.example|Click&gt;',
    );
  });

  it('escapes an already escaped entity again, so it shows as typed', () => {
    expect(escapeText('&lt;')).toBe('&amp;lt;');
  });
});

describe('links', () => {
  it('builds <url|label> with & in the URL as an entity', () => {
    expect(link('https://logs.example/search?a=1&b=2', 'Logs')).toBe('<https://logs.example/search?a=1&amp;b=2|Logs>');
  });

  it('encodes | so a URL cannot end the link early and choose its own label', () => {
    expect(link('https://x.example/a|<!here>', 'Open')).toBe('<https://x.example/a%7C%3C!here%3E|Open>');
  });

  it('shows a non-http URL as escaped text instead of a link', () => {
    expect(link('javascript:alert(1)', 'Open')).toBe('javascript:alert(1)');
    expect(link('<!channel>', 'Open')).toBe('&lt;!channel&gt;');
  });

  it('escapes the label', () => {
    expect(link('https://x.example/', '<b>')).toBe('<https://x.example/|&lt;b&gt;>');
  });
});

describe('truncation', () => {
  it('keeps text within the limit unchanged', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('x'.repeat(10), 10)).toBe('x'.repeat(10));
  });

  it('cuts longer text to exactly the limit, ending with the visible note', () => {
    const cut = truncate('y'.repeat(5000), 3000);
    expect(cut).toHaveLength(3000);
    expect(cut.endsWith(TRUNCATED_NOTE)).toBe(true);
    expect(cut.slice(0, -TRUNCATED_NOTE.length)).toBe('y'.repeat(3000 - TRUNCATED_NOTE.length));
  });

  it('never leaves half an entity, half a surrogate pair or an open link at the cut', () => {
    expect(cutSafely('ab&amp;cd', 5)).toBe('ab');
    expect(cutSafely('ab😀cd', 3)).toBe('ab');
    expect(cutSafely('see <https://x.example|x> and <https://y.example|y>', 40)).toBe('see <https://x.example|x> and ');
  });

  it('keeps a cut code block closed, with the note after the fence', () => {
    const block = codeBlock('line\n'.repeat(2000), 3000);
    expect(block.length).toBeLessThanOrEqual(3000);
    expect(block.startsWith('```\n')).toBe(true);
    expect(block.endsWith(`\n\`\`\`\n${TRUNCATED_NOTE}`)).toBe(true);
  });

  it('breaks a fence inside code so the block is not closed early', () => {
    expect(codeBlock('a ``` b', 100)).toBe('```\na `\u200b`\u200b` b\n```');
  });
});

describe('fitting a message to Slack limits', () => {
  it('cuts section texts to 3,000, fields to 2,000 and the fallback text to 4,000 characters', () => {
    const fitted = fitMessage({
      text: 't'.repeat(10_000),
      blocks: [section('s'.repeat(5000)), { type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2500) }] }],
    });
    expect(fitted.text).toHaveLength(LIMITS.fallbackText);
    expect(fitted.text.endsWith(TRUNCATED_NOTE)).toBe(true);
    const [first, second] = fitted.blocks as Array<Extract<SlackBlock, { type: 'section' }>>;
    expect('text' in first! && first.text.text).toHaveLength(3000);
    expect(second!.fields![0]!.text).toHaveLength(2000);
    expect(second!.fields![0]!.text.endsWith(TRUNCATED_NOTE)).toBe(true);
  });

  it('keeps at most 50 blocks, the last saying how many were left out', () => {
    const blocks = Array.from({ length: 60 }, (_, index) => section(`block ${index}`));
    const fitted = fitMessage({ text: 'many', blocks });
    expect(fitted.blocks).toHaveLength(50);
    expect(fitted.blocks[48]).toEqual(section('block 48'));
    expect(fitted.blocks[49]).toEqual(context(`${TRUNCATED_NOTE} 11 more blocks not shown`));
  });

  it('leaves a message within every limit exactly as it was', () => {
    const message = { text: 'hello', blocks: [section('hello'), context('a', 'b'), { type: 'divider' as const }] };
    expect(fitMessage(message)).toEqual(message);
  });
});
