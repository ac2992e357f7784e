/** Time source of the engine core. The host uses the system clock; tests move a fake one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: timers fire without real sleeping. */
export class ControlledClock implements Clock {
  private current: number;

  constructor(start: number = Date.parse('2026-01-05T08:00:00+07:00')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(epochMs: number): void {
    this.current = epochMs;
  }
}
