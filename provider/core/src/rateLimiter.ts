/** The client-side rate limit of an AmpClient: none until AMP throttles, then the rate AMP was seen to admit. */
import type { AmpClient } from "@aws-sdk/client-amp";
import type { RateLimiter } from "@smithy/core/retry";

/** Below what AMP admitted, so that requests spaced on the client still fit AMP's window. */
const HEADROOM = 0.95;

/**
 * Without a throttle, the limit rises by this share and this many requests a second, to find AMP's rate
 * again when it rises (or when a first throttle came while others used most of it).
 */
const GROWTH_SHARE_PER_SECOND = 0.01;
const GROWTH_REQUESTS_PER_SECOND = 0.1;

/** The slowest a client ever goes: one request a second still finishes a wait. */
const MIN_RATE_PER_SECOND = 1;

/** One burst of throttles lowers the limit to no less than this share of what it was. */
const LOWEST_CUT = 0.7;

/** How far back answers count towards the rate AMP admits. */
const WINDOW_MS = 1000;

/**
 * The SDK's adaptive retry mode, with this in place of its DefaultRateLimiter. That one cuts the rate to
 * 0.7 of what the client sent at each throttle and lets requests out in bursts of a second's worth; under a
 * throttle of 20 a second, 200 policies through one plugin used about two thirds of AMP's rate
 * (BENCHMARKS.md). This one takes the answers AMP gave in the second around a throttle as the rate it admits,
 * lets requests out one at a time, evenly, just below it, and creeps up while nothing is throttled.
 */
export class AdmittedRateLimiter implements RateLimiter {
  private answeredAt: number[] = [];
  private ratePerSecond: number | undefined;
  private throttledAt = Number.NEGATIVE_INFINITY;
  private busiestSinceThrottle = 0;
  private limitBeforeThrottle = 0;
  private grownAt = 0;
  private readonly waiting: (() => void)[] = [];
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  /**
   * The retry strategy's wait, which comes before its retry delay rather than at the send: a no-op, as the
   * middleware below waits for `turn` right before each attempt goes out.
   */
  getSendToken(): Promise<void> {
    return Promise.resolve();
  }

  /** Waits for an attempt's turn: at once until the first throttle, then one every 1/rate seconds. */
  turn(): Promise<void> {
    if (this.ratePerSecond === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.release();
    });
  }

  /**
   * Called by the retry strategy with each retried failure's info, and `{}` for a success; throttles lower
   * the limit to what AMP admitted. The answers themselves are counted by `answered`, which sees them all,
   * errors such as ResourceNotFoundException included.
   */
  updateClientSendingRate(response: unknown): void {
    if (!isThrottling(response)) return;
    const now = Date.now();
    // Throttles within a second of each other answer one burst: they lower the limit once.
    if (now - this.throttledAt >= WINDOW_MS) this.limitBeforeThrottle = this.ratePerSecond ?? 0;
    this.throttledAt = now;
    this.grownAt = now;
    // The busiest second since the last throttle, not only the last one: a burst after a quiet spell is
    // throttled by a window this client had left half empty a moment before. And never below a share of
    // the limit before the burst, as answers delayed on a busy machine can make AMP's rate look smaller.
    const admitted = Math.max(this.answeredWithin(now), this.busiestSinceThrottle);
    this.ratePerSecond = Math.max(
      MIN_RATE_PER_SECOND,
      admitted * HEADROOM,
      this.limitBeforeThrottle * LOWEST_CUT,
    );
    this.busiestSinceThrottle = 0;
    if (this.waiting.length) this.release();
  }

  /** Counts an answer AMP gave that was not a throttle (the middleware below calls it for every attempt). */
  answered(): void {
    const now = Date.now();
    this.answeredAt.push(now);
    const within = this.answeredWithin(now);
    this.busiestSinceThrottle = Math.max(this.busiestSinceThrottle, within);
    if (this.ratePerSecond !== undefined) {
      if (now - this.throttledAt < 2 * WINDOW_MS) {
        // Throttled answers come back before the admitted requests of the same burst are answered: those
        // answers, arriving now, still count towards what AMP admitted in that second.
        this.ratePerSecond = Math.max(this.ratePerSecond, within * HEADROOM);
      } else {
        const seconds = (now - this.grownAt) / 1000;
        this.ratePerSecond +=
          (this.ratePerSecond * GROWTH_SHARE_PER_SECOND + GROWTH_REQUESTS_PER_SECOND) * seconds;
      }
      this.grownAt = now;
      if (this.waiting.length) this.release();
    }
  }

  /** The current limit in requests a second; undefined before the first throttle. */
  get limit(): number | undefined {
    return this.ratePerSecond;
  }

  /** How many answers came within the last second. */
  private answeredWithin(now: number): number {
    const from = now - WINDOW_MS;
    while ((this.answeredAt[0] ?? now) <= from) this.answeredAt.shift();
    return this.answeredAt.length;
  }

  /** Lets the waiting requests out at the current rate, re-timed whenever the rate changes. */
  private release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.waiting.length) {
      const rate = this.ratePerSecond ?? Number.POSITIVE_INFINITY;
      const now = Date.now();
      const due = this.lastSentAt + 1000 / rate;
      if (now < due) {
        this.timer = setTimeout(() => this.release(), due - now);
        return;
      }
      this.lastSentAt = now;
      this.waiting.shift()?.();
    }
  }
}
/** The retry strategy hands the limiter `{ errorType, error }` for a failed attempt it retries. */
function isThrottling(response: unknown): boolean {
  return (response as { errorType?: unknown } | undefined)?.errorType === "THROTTLING";
}

/**
 * Puts a limiter on a client: a middleware inside the retry loop waits for each attempt's turn, and counts
 * every attempt AMP answered other than with a throttle (429). The retry strategy reports the throttles.
 */
export function withAdmittedRateLimit(client: AmpClient, limiter: AdmittedRateLimiter): AmpClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      await limiter.turn();
      try {
        const out = await next(args);
        limiter.answered();
        return out;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status !== undefined && status !== 429) limiter.answered();
        throw error;
      }
    },
    { step: "finalizeRequest", priority: "low", name: "awsampAdmittedRate" },
  );
  return client;
}
