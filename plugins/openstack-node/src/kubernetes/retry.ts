import { kubeStatusOf } from './kubeErrors';

const MAX_WAIT_MS = 10_000;

/**
 * How long to wait before repeating a Kubernetes API call the server answered with HTTP 429 (it
 * did not process the request: API priority and fairness, or "storage is (re)initializing" right
 * after a start or a new CRD), from its Retry-After header or Status `details.retryAfterSeconds`
 * (1 s when it names none, 10 s at most); undefined for any other error.
 *
 * @public
 */
export function retryAfterMs(error: unknown): number | undefined {
  if (kubeStatusOf(error) !== 429) return undefined;
  const { headers, body } = error as {
    headers?: Record<string, string | undefined>;
    body?: unknown;
  };
  let seconds = Number(headers?.['retry-after'] ?? headers?.['Retry-After']);
  if (!Number.isFinite(seconds)) {
    try {
      const status = typeof body === 'string' ? JSON.parse(body) : body;
      seconds = Number(status?.details?.retryAfterSeconds);
    } catch {
      seconds = NaN;
    }
  }
  const ms = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
  return Math.min(ms, MAX_WAIT_MS);
}

/**
 * Runs a Kubernetes API call, repeating it while the server answers 429 (an unprocessed request,
 * so any verb may be repeated), waiting what the server asks, up to `attempts` calls in all.
 * Every other error, and the last 429, is thrown as it came.
 *
 * @public
 */
export async function withKubeRetry<T>(
  fn: () => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const wait = retryAfterMs(e);
      if (wait === undefined || attempt >= attempts) throw e;
      await new Promise(r => setTimeout(r, wait));
    }
  }
}
