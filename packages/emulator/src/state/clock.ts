/** A source of the current time in milliseconds since the Unix epoch. */
export interface EmulatorClock {
  /** The current time in milliseconds since the Unix epoch. */
  now(): number
}

/**
 * The emulator's own clock: an injectable base clock plus an offset that `advanceClock()` moves forward,
 * so tokens, tickets and codes expire without a test waiting for them.
 */
export class OffsetClock implements EmulatorClock {
  #offsetMs = 0

  constructor(private readonly base: EmulatorClock = { now: () => Date.now() }) {}

  /** The base clock's time plus every advance since the last reset. */
  now(): number {
    return this.base.now() + this.#offsetMs
  }

  /** Move the clock forward by `ms` milliseconds (negative values are rejected). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        '@wxkit/emulator: advanceClock(ms) needs a finite, non-negative number of milliseconds',
      )
    }
    this.#offsetMs += ms
  }

  /** Drop every advance, back to the base clock. */
  reset(): void {
    this.#offsetMs = 0
  }
}

/** The calendar day in Beijing time (UTC+8), which is when WeChat's daily quotas roll over. */
export function beijingDay(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10)
}
