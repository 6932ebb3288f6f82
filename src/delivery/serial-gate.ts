/**
 * Serial modules (one browser, one audit) run one delivery at a time in each hub. A delivery that arrives
 * while its module is busy is put back for a moment rather than waiting here, where it would hold a worker
 * that other modules' deliveries need.
 */
export class SerialGate {
  /** How long a delivery waits before asking again whether its module is free. */
  static readonly WAIT_SECONDS = 2;
  private readonly busy = new Set<string>();

  /** True when the module was free and is now this caller's until `leave`. */
  enter(module: string): boolean {
    if (this.busy.has(module)) return false;
    this.busy.add(module);
    return true;
  }

  leave(module: string): void {
    this.busy.delete(module);
  }
}
