/**
 * In-memory fixed-window counter per key (one process). Bounded: at most `maxKeys` keys are kept;
 * expired windows are dropped first, then the oldest. A window is (re)inserted when it starts, so the map is in
 * window-start order and pruning only looks at its front: a flood of new keys costs O(1) each, not a scan of all.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit; `allowed` is false once the key went over the limit in the current window. */
  hit(key: string): { allowed: boolean; retryAfterSeconds: number } {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      this.windows.delete(key);
      this.prune(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    const retryAfterSeconds = Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
    return { allowed: window.count <= this.limit, retryAfterSeconds };
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private prune(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    // Oldest first (Map iterates in insertion order): expired ones, then, while still full, live ones.
    for (const [key, window] of this.windows) {
      if (this.windows.size < this.maxKeys && now - window.start < this.windowMs) break;
      this.windows.delete(key);
    }
  }
}

/**
 * Brute-force lock: after `maxFailures` failures within `windowMs`, the key is locked for
 * `lockMs` from the last failure. A success clears the key. Bounded like RateLimiter: each failure moves its key to
 * the end, so the map is in last-failure order and pruning looks only at its front.
 */
export class FailureLock {
  private readonly entries = new Map<string, { failures: number[]; lockedUntil: number }>();

  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    readonly lockMs: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the key may try again, or 0 when it is not locked. */
  lockedFor(key: string): number {
    const entry = this.entries.get(key);
    const now = this.now();
    if (!entry || entry.lockedUntil <= now) return 0;
    return Math.ceil((entry.lockedUntil - now) / 1000);
  }

  fail(key: string): void {
    const now = this.now();
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else {
      if (this.entries.size >= this.maxKeys) this.prune(now);
      entry = { failures: [], lockedUntil: 0 };
    }
    this.entries.set(key, entry);
    entry.failures = entry.failures.filter((at) => now - at < this.windowMs);
    entry.failures.push(now);
    if (entry.failures.length >= this.maxFailures) entry.lockedUntil = now + this.lockMs;
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  private prune(now: number): void {
    // Oldest last failure first: forgotten ones (no lock, no failure in the window), then, while still full, any.
    for (const [key, entry] of this.entries) {
      const forgotten = entry.lockedUntil <= now && entry.failures.every((at) => now - at >= this.windowMs);
      if (this.entries.size < this.maxKeys && !forgotten) break;
      this.entries.delete(key);
    }
  }
}
