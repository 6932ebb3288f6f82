import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redact.js';

describe('the redactor', () => {
  const redactor = new Redactor(['hunter2-secret', 'abc']);

  it('replaces configured secrets wherever they appear', () => {
    expect(redactor.redact('key=hunter2-secret in text hunter2-secret')).toBe('key=[REDACTED] in text [REDACTED]');
  });
  it('ignores secrets too short to be safely matched', () => {
    expect(redactor.redact('abc')).toBe('abc');
  });
  it('catches Slack tokens, webhook URLs, URL passwords, api_key parameters and key headers', () => {
    const text = [
      'token xoxb-1234-5678-abcdefgh',
      'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
      'postgres://hub:pa55word@db:5432/x',
      'api_key=u123-abcdef&format=json',
      'X-Detectify-Key: 0123456789abcdef',
      'Authorization: Bearer sometoken123',
    ].join('\n');
    const out = redactor.redact(text);
    for (const secret of ['xoxb-1234', 'XXXXSECRET', 'pa55word', 'u123-abcdef', '0123456789abcdef', 'sometoken123']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('https://hooks.slack.com/services/[REDACTED]');
    expect(out).toContain('postgres://hub:[REDACTED]@db:5432/x');
  });
  it('redacts nested values without recursing forever', () => {
    const nested: Record<string, unknown> = { a: { b: ['hunter2-secret'] } };
    let deep: Record<string, unknown> = nested;
    for (let i = 0; i < 50; i += 1) deep = { inner: deep };
    expect(redactor.redactDeep(nested)).toEqual({ a: { b: ['[REDACTED]'] } });
    expect(() => redactor.redactDeep(deep)).not.toThrow();
  });
});

describe('the logger', () => {
  it('writes JSON lines with secrets redacted in message and fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'info', redactor: new Redactor(['hunter2-secret']), json: true });
    logger.clear().add(new winston.transports.Stream({ stream: sink }));
    logger
      .child({ module: 'slack' })
      .info('posting with hunter2-secret', { url: 'https://hooks.slack.com/services/T/B/C' });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'info', module: 'slack', message: 'posting with [REDACTED]' });
    expect(line.url).toBe('https://hooks.slack.com/services/[REDACTED]');
  });
});
