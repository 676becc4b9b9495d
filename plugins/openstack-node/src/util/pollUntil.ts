/**
 * Polls `check` until it returns a value, `timeoutMs` passes (error naming what it waited for)
 * or `signal` aborts.
 *
 * @public
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs: number; signal?: AbortSignal },
): Promise<T> {
  const end = Date.now() + opts.timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (opts.signal?.aborted)
      throw new Error(`Cancelled while waiting for ${what}`);
    if (Date.now() + opts.intervalMs > end) {
      throw new Error(
        `Timed out after ${Math.round(
          opts.timeoutMs / 1000,
        )} s waiting for ${what}`,
      );
    }
    await new Promise(r => setTimeout(r, opts.intervalMs));
  }
}
