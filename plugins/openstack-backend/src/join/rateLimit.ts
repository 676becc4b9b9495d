/**
 * A fixed-window request budget per caller address and for everyone together, kept in this
 * backend replica's memory (each replica counts its own requests).
 */
export class JoinRateLimit {
  private window = 0;
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly limits: { perAddressPerMinute: number; globalPerMinute: number },
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Counts a request from `address`; returns the seconds to wait when over a budget, else 0. */
  take(address: string): number {
    const t = this.now();
    const w = Math.floor(t / 60_000);
    if (w !== this.window) {
      this.window = w;
      this.total = 0;
      this.perAddress.clear();
    }
    const mine = (this.perAddress.get(address) ?? 0) + 1;
    this.perAddress.set(address, mine);
    this.total += 1;
    if (mine > this.limits.perAddressPerMinute || this.total > this.limits.globalPerMinute) {
      return Math.max(1, Math.ceil(((w + 1) * 60_000 - t) / 1000));
    }
    return 0;
  }
}
