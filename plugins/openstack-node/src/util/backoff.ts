/**
 * The retry policy of the suite's HTTP clients (OpenStack and Kubernetes): how many times an
 * idempotent request is repeated after a 429, a 5xx or a network error, and how long to wait.
 *
 * @public
 */
export interface RetryPolicy {
  /** Retries after the first attempt, default 3 (0 disables). */
  retries: number;
  /** Base of the exponential backoff, default 250 ms (equal jitter). */
  baseDelayMs: number;
  /** Cap of one wait, including a Retry-After, default 10000 ms. */
  maxDelayMs: number;
}

/** @public */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
};

/**
 * The wait before attempt `attempt + 1`: exponential from `baseDelayMs`, capped, with "equal
 * jitter" (half fixed, half random, so waits always grow).
 */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const exp = Math.min(
    policy.baseDelayMs * 2 ** (attempt - 1),
    policy.maxDelayMs,
  );
  return exp / 2 + Math.random() * (exp / 2);
}

/**
 * Retry-After in ms from seconds or an HTTP date; undefined if absent or unparsable.
 *
 * @public
 */
export function parseRetryAfter(
  value: string | null | undefined,
): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - Date.now());
}

export const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));
