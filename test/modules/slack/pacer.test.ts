import { jest } from '@jest/globals';
import { ChannelPacer } from '../../../modules/slack/pacer.js';
import { DeliveryError } from '../../../src/errors.js';

/** Records which tasks have started; time is jest's fake clock, moved by the test alone. */
function recorder() {
  const started: string[] = [];
  return {
    started,
    task: (label: string, result: () => Promise<unknown> = async () => label) => async () => {
      started.push(label);
      return result();
    },
  };
}

describe('pacing posts per channel', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('spaces calls to one channel by the interval, in order', async () => {
    const pacer = new ChannelPacer(60);
    const { started, task } = recorder();
    const results = Promise.all([pacer.run('#a', task('1')), pacer.run('#a', task('2')), pacer.run('#a', task('3'))]);
    await jest.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['1']);
    await jest.advanceTimersByTimeAsync(59);
    expect(started).toEqual(['1']);
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toEqual(['1', '2']);
    await jest.advanceTimersByTimeAsync(60);
    expect(started).toEqual(['1', '2', '3']);
    expect(await results).toEqual(['1', '2', '3']);
  });

  it('with pacing off, runs calls to one channel side by side', async () => {
    const pacer = new ChannelPacer(0);
    let running = 0;
    let most = 0;
    const slow = () => async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      running -= 1;
    };
    const all = Promise.all([pacer.run('#a', slow()), pacer.run('#a', slow()), pacer.run('#a', slow())]);
    await jest.advanceTimersByTimeAsync(30);
    await all;
    expect(most).toBe(3);
  });

  it('does not make one channel wait for another', async () => {
    const pacer = new ChannelPacer(200);
    const { started, task } = recorder();
    void pacer.run('#a', task('a1'));
    void pacer.run('#a', task('a2'));
    void pacer.run('#b', task('b'));
    void pacer.run('#c', task('c'));
    await jest.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['a1', 'b', 'c']);
    await jest.advanceTimersByTimeAsync(200);
    expect(started).toEqual(['a1', 'b', 'c', 'a2']);
  });

  it("holds a channel for a 429's Retry-After, and keeps going after a failure", async () => {
    const pacer = new ChannelPacer(10);
    const { started, task } = recorder();
    const limited = pacer.run('#a', task('limited', async () => {
      throw new DeliveryError('rate limited', { retryAfterMs: 150 });
    }));
    const next = pacer.run('#a', task('next'));
    await expect(limited).rejects.toThrow('rate limited');
    await jest.advanceTimersByTimeAsync(149);
    expect(started).toEqual(['limited']);
    await jest.advanceTimersByTimeAsync(1);
    await expect(next).resolves.toBe('next');
  });

  it('skips a task whose delivery gave up while it waited for its turn', async () => {
    const pacer = new ChannelPacer(50);
    const controller = new AbortController();
    const { started, task } = recorder();
    const first = pacer.run('#a', task('first'));
    const second = pacer.run('#a', task('second'), controller.signal);
    const secondOutcome = second.catch((error: Error) => error.message);
    controller.abort();
    await first;
    await jest.advanceTimersByTimeAsync(50);
    expect(await secondOutcome).toBe("gave up waiting for #a's turn");
    expect(started).toEqual(['first']);
  });
});
