import { retryAfterMs, withKubeRetry } from './retry';

/** An error shaped like client-node's ApiException. */
const apiError = (code: number, body: unknown = '', headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${code}`), { code, body, headers });

const initializing = (seconds: number) =>
  apiError(
    429,
    JSON.stringify({
      kind: 'Status',
      status: 'Failure',
      message: 'storage is (re)initializing',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: seconds },
      code: 429,
    }),
  );

describe('retryAfterMs', () => {
  it('reads the Retry-After header, then the Status details, else waits 1 s, at most 10 s', () => {
    expect(retryAfterMs(apiError(429, '', { 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(initializing(3))).toBe(3000);
    expect(retryAfterMs(apiError(429, 'not json'))).toBe(1000);
    expect(retryAfterMs(apiError(429, '', { 'retry-after': '600' }))).toBe(10_000);
  });

  it('is undefined for anything but 429', () => {
    for (const e of [apiError(409), apiError(500), apiError(403), new Error('ECONNREFUSED')]) {
      expect(retryAfterMs(e)).toBeUndefined();
    }
  });
});

describe('withKubeRetry', () => {
  it('repeats a call the server did not process (429) and returns its result', async () => {
    const fn = jest
      .fn()
      .mockRejectedValueOnce(initializing(0))
      .mockRejectedValueOnce(initializing(0))
      .mockResolvedValue('applied');
    await expect(withKubeRetry(fn)).resolves.toBe('applied');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('throws any other error at once, and the last 429 after the attempts', async () => {
    const conflict = apiError(409);
    const once = jest.fn().mockRejectedValue(conflict);
    await expect(withKubeRetry(once)).rejects.toBe(conflict);
    expect(once).toHaveBeenCalledTimes(1);

    const busy = initializing(0);
    const always = jest.fn().mockRejectedValue(busy);
    await expect(withKubeRetry(always, 3)).rejects.toBe(busy);
    expect(always).toHaveBeenCalledTimes(3);
  });
});
