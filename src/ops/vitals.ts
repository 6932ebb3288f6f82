import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface Vitals {
  rssBytes: number;
  heapUsedBytes: number;
  /** CPU time used (user + system) over wall time since the previous sample; 100 = one core busy. */
  cpuPercent: number;
  /** Mean event-loop delay since the previous sample. */
  eventLoopLagMs: number;
  /** Worst event-loop delay since the previous sample. */
  eventLoopLagMaxMs: number;
}

/**
 * This process's figures, sampled at each heartbeat: the heartbeat row, the metrics and the status page
 * show the same numbers. Deltas (CPU, loop delay) cover the time between two samples.
 */
export class VitalsSampler {
  private readonly loop: ReturnType<typeof monitorEventLoopDelay> = monitorEventLoopDelay({ resolution: 20 });
  private lastCpu = process.cpuUsage();
  private lastAt = process.hrtime.bigint();
  private latestSample: Vitals;

  constructor() {
    this.loop.enable();
    this.latestSample = this.measure();
  }

  get latest(): Vitals {
    return this.latestSample;
  }

  sample(): Vitals {
    this.latestSample = this.measure();
    return this.latestSample;
  }

  stop(): void {
    this.loop.disable();
  }

  private measure(): Vitals {
    const now = process.hrtime.bigint();
    const cpu = process.cpuUsage(this.lastCpu);
    const wallMicros = Number(now - this.lastAt) / 1_000;
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const memory = process.memoryUsage();
    // The histogram is empty until a full resolution tick has passed: NaN then, reported as 0.
    const mean = Number.isFinite(this.loop.mean) ? this.loop.mean / 1e6 : 0;
    const max = Number.isFinite(this.loop.max) && this.loop.count > 0 ? this.loop.max / 1e6 : 0;
    this.loop.reset();
    return {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuPercent: wallMicros > 0 ? round(((cpu.user + cpu.system) / wallMicros) * 100) : 0,
      eventLoopLagMs: round(mean),
      eventLoopLagMaxMs: round(max),
    };
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
