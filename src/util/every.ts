/** "30s", "5m", "1h" -> seconds; null when the text is not an interval (it may then be a cron pattern). */
export function parseInterval(text: string): number | null {
  const match = /^\s*(\d+)\s*(s|m|h)\s*$/i.exec(text);
  if (!match) return null;
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
}

/**
 * The next tick of an interval after `now`: ticks sit on multiples of the interval since the epoch, so every
 * replica computes the same tick for the same moment and the (schedule, tick) record lets only one run it.
 */
export function nextIntervalTick(intervalSeconds: number, now = Date.now()): Date {
  const step = intervalSeconds * 1000;
  return new Date((Math.floor(now / step) + 1) * step);
}
