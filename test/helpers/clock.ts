// The one frozen clock for time-based tests: Date stops at a chosen second, timers keep running.
import { afterEach, beforeEach, vi } from 'vitest';

/** 2027-01-15T08:00:00.000Z: the second a frozen clock shows unless a test names another. */
export const NOW = 1_800_000_000;

/** Stops Date at `seconds` since the epoch (NOW by default), or moves it there if already stopped; timers stay real. */
export function freezeClock(seconds: number = NOW): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(seconds * 1000);
}

/** The real clock again. */
export function thawClock(): void {
  vi.useRealTimers();
}

/** The Date `seconds` since the epoch, as jsonwebtoken's errors carry it. */
export const dateAt = (seconds: number): Date => new Date(seconds * 1000);

/** Freezes the clock at `seconds` before each test of the enclosing describe (or file), thaws it after. */
export function frozenClockPerTest(seconds: number = NOW): void {
  beforeEach(() => {
    freezeClock(seconds);
  });
  afterEach(thawClock);
}
