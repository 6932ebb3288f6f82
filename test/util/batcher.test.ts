import { jest } from '@jest/globals';
import { Batcher } from '../../src/util/batcher.js';

/** A run function whose batches finish only when the test says so. */
function controlledRun() {
  const batches: number[][] = [];
  const finishers: Array<() => void> = [];
  const run = (items: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push(items);
      finishers.push(() =>
        items.includes(13) ? reject(new Error('13 is refused')) : resolve(items.map((item) => item * 10)),
      );
    });
  return { run, batches, finishNext: () => finishers.shift()!() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher (group commit)', () => {
  it('sends a lone item at once, and everything that arrives meanwhile as the next batch', async () => {
    const { run, batches, finishNext } = controlledRun();
    const batcher = new Batcher(run);
    const first = batcher.submit(1);
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((item) => batcher.submit(item));
    expect(batches).toEqual([[1]]);
    finishNext();
    expect(await first).toBe(10);
    await tick();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    finishNext();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batcher.idle).toBe(true);
  });

  it('keeps batches to maxBatch and runs up to maxConcurrent at once', async () => {
    const { run, batches, finishNext } = controlledRun();
    const batcher = new Batcher(run, { maxBatch: 2, maxConcurrent: 2 });
    const answers = [1, 2, 3, 4, 5].map((item) => batcher.submit(item));
    expect(batches).toEqual([[1], [2]]);
    expect(batcher.idle).toBe(false);
    finishNext();
    await tick();
    expect(batches).toEqual([[1], [2], [3, 4]]);
    finishNext();
    await tick();
    expect(batches).toEqual([[1], [2], [3, 4], [5]]);
    finishNext();
    finishNext();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50]);
    expect(batcher.idle).toBe(true);
  });

  it('fails only the caller whose item broke the batch', async () => {
    const { run, batches, finishNext } = controlledRun();
    const batcher = new Batcher(run);
    const blocker = batcher.submit(0);
    const answers = [12, 13, 14].map((item) => batcher.submit(item).then(String, (error: Error) => error.message));
    finishNext();
    await blocker;
    await tick();
    finishNext(); // [12, 13, 14] fails as a whole; each is then tried alone
    await tick();
    expect(batches.slice(2)).toEqual([[12], [13], [14]]);
    finishNext();
    finishNext();
    finishNext();
    expect(await Promise.all(answers)).toEqual(['120', '13 is refused', '140']);
  });

  it('with lingerMs, an idle batcher waits that long for company, but not behind a running batch', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    const { run, batches, finishNext } = controlledRun();
    const batcher = new Batcher(run, { lingerMs: 30 });
    const first = batcher.submit(1);
    await jest.advanceTimersByTimeAsync(29);
    const second = batcher.submit(2);
    expect(batches).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1, 2]]);
    jest.useRealTimers();
    const third = batcher.submit(3);
    finishNext();
    expect(await Promise.all([first, second])).toEqual([10, 20]);
    // 3 arrived while a batch ran: it goes as soon as that batch is done, with no further wait.
    await tick();
    expect(batches).toEqual([[1, 2], [3]]);
    finishNext();
    expect(await third).toBe(30);
  });
});
