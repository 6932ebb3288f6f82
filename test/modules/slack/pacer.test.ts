import { ChannelPacer } from '../../../modules/slack/pacer.js';
import { DeliveryError } from '../../../src/delivery/errors.js';

function recorder() {
  const starts: Array<{ label: string; at: number }> = [];
  const origin = Date.now();
  return {
    starts,
    task: (label: string, result: () => Promise<unknown> = async () => label) => async () => {
      starts.push({ label, at: Date.now() - origin });
      return result();
    },
  };
}

describe('pacing posts per channel', () => {
  it('spaces calls to one channel by the interval, in order', async () => {
    const pacer = new ChannelPacer(60);
    const { starts, task } = recorder();
    const results = await Promise.all([pacer.run('#a', task('1')), pacer.run('#a', task('2')), pacer.run('#a', task('3'))]);
    expect(results).toEqual(['1', '2', '3']);
    expect(starts.map((start) => start.label)).toEqual(['1', '2', '3']);
    expect(starts[1]!.at - starts[0]!.at).toBeGreaterThanOrEqual(55);
    expect(starts[2]!.at - starts[1]!.at).toBeGreaterThanOrEqual(55);
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
    await Promise.all([pacer.run('#a', slow()), pacer.run('#a', slow()), pacer.run('#a', slow())]);
    expect(most).toBe(3);
  });

  it('does not make one channel wait for another', async () => {
    const pacer = new ChannelPacer(200);
    const { starts, task } = recorder();
    await Promise.all([pacer.run('#a', task('a')), pacer.run('#b', task('b')), pacer.run('#c', task('c'))]);
    expect(Math.max(...starts.map((start) => start.at))).toBeLessThan(100);
  });

  it("holds a channel for a 429's Retry-After, and keeps going after a failure", async () => {
    const pacer = new ChannelPacer(10);
    const { starts, task } = recorder();
    const limited = pacer.run('#a', task('limited', async () => {
      throw new DeliveryError('rate limited', { retryAfterMs: 150 });
    }));
    const next = pacer.run('#a', task('next'));
    await expect(limited).rejects.toThrow('rate limited');
    await expect(next).resolves.toBe('next');
    expect(starts[1]!.at - starts[0]!.at).toBeGreaterThanOrEqual(140);
  });

  it('skips a task whose delivery gave up while it waited for its turn', async () => {
    const pacer = new ChannelPacer(50);
    const controller = new AbortController();
    const { starts, task } = recorder();
    const first = pacer.run('#a', task('first'));
    const second = pacer.run('#a', task('second'), controller.signal);
    controller.abort();
    await first;
    await expect(second).rejects.toThrow("gave up waiting for #a's turn");
    expect(starts.map((start) => start.label)).toEqual(['first']);
  });
});
