import {
  Configuration,
  createConfiguration,
  HttpLibrary,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  PromiseHttpLibrary,
  RequestContext,
  ResponseContext,
  ServerConfiguration,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  RetryPolicy,
  sleep,
} from '../util/backoff';

/** Default time a Kubernetes API call may take, retries included. @public */
export const DEFAULT_KUBE_TIMEOUT_MS = 10_000;

/**
 * How the suite talks HTTP to a Kubernetes API server (or the Kubernetes backend's proxy).
 *
 * @public
 */
export interface KubeHttpOptions {
  /**
   * Time one API call may take, every attempt and wait included (default 10000 ms): a call
   * still unanswered then fails, and is not repeated.
   */
  timeoutMs?: number;
  /** Repetitions of a call that may be repeated (see {@link kubeHttp}); default 3 retries, 250 ms base, 10 s cap. */
  retry?: Partial<RetryPolicy>;
}

/** Thrown when a Kubernetes API call got no (complete) answer within its time. @public */
export class KubeTimeoutError extends Error {
  readonly name = 'KubeTimeoutError';
}

/** The HTTP layer of the suite's Kubernetes clients: see {@link kubeHttp}. @public */
export interface KubeHttp {
  /** For every call: repeats only what may be repeated. */
  http: HttpLibrary;
  /**
   * For a create (POST) whose caller treats "already exists" (409) as success, so a repeated
   * request that reached the server once is harmless; give it as the call's `httpApi` option.
   */
  conflictSafe: HttpLibrary;
}

/** The content types of PATCH bodies that give the same object however often they are sent. */
const IDEMPOTENT_PATCHES = [
  'application/apply-patch+yaml', // server-side apply
  'application/merge-patch+json', // fields set to the values of the body
];

/**
 * Whether a request may be sent again after an answer that does not say it was refused before
 * any effect (a 5xx, a connection error or a timeout): reads, server-side apply and merge
 * patches. A POST creates something each time it reaches the server, so it is not, unless its
 * caller is conflict-safe.
 */
function idempotent(request: RequestContext): boolean {
  const method = request.getHttpMethod().toString();
  if (['GET', 'HEAD', 'OPTIONS'].includes(method)) return true;
  if (method !== 'PATCH') return false;
  const type = request.getHeaders()['Content-Type'] ?? '';
  return IDEMPOTENT_PATCHES.some(t => type.startsWith(t));
}

/**
 * The wait a 429 asks for: its Retry-After header, else the Status' `details.retryAfterSeconds`
 * (the API server's "storage is (re)initializing"), else undefined.
 */
function retryAfter(headers: Record<string, string>, body: string) {
  const header = parseRetryAfter(headers['retry-after']);
  if (header !== undefined) return header;
  try {
    const seconds = Number(JSON.parse(body)?.details?.retryAfterSeconds);
    return Number.isFinite(seconds) && seconds >= 0
      ? seconds * 1000
      : undefined;
  } catch {
    return undefined;
  }
}

/** A response whose body is already read (so the call's time limit covered it). */
function buffered(response: ResponseContext, data: Buffer): ResponseContext {
  return new ResponseContext(response.httpStatusCode, response.headers, {
    binary: async () => data,
    text: async () => data.toString('utf8'),
  });
}

class RetryingHttp implements PromiseHttpLibrary {
  constructor(
    private readonly inner: HttpLibrary,
    private readonly timeoutMs: number,
    private readonly retry: RetryPolicy,
    private readonly conflictSafe: boolean,
  ) {}

  async send(request: RequestContext): Promise<ResponseContext> {
    const repeatable = this.conflictSafe || idempotent(request);
    const deadline = Date.now() + this.timeoutMs;
    const what = `${request.getHttpMethod()} ${request.getUrl()}`;
    const outerSignal = request.getSignal();
    for (let attempt = 1; ; attempt++) {
      const last = attempt > this.retry.retries;
      const left = deadline - Date.now();
      const timeout = AbortSignal.timeout(Math.max(left, 1));
      request.setSignal(
        outerSignal ? AbortSignal.any([outerSignal, timeout]) : timeout,
      );
      let response: ResponseContext;
      let data: Buffer;
      try {
        response = await this.inner.send(request).toPromise();
        data = await response.body.binary();
      } catch (error) {
        if (outerSignal?.aborted) throw error;
        const timedOut = timeout.aborted;
        const retries = attempt > 1 ? ` (${attempt} attempts)` : '';
        const failure = timedOut
          ? new KubeTimeoutError(
              `${what}: no answer within ${this.timeoutMs} ms${retries}`,
            )
          : error;
        // a request that may have reached the server is repeated only when that is harmless
        const wait = backoffMs(this.retry, attempt);
        if (timedOut || last || !repeatable || Date.now() + wait >= deadline) {
          throw failure;
        }
        await sleep(wait);
        continue;
      }
      const status = response.httpStatusCode;
      // 429: the server refused the request before acting on it (priority and fairness, storage
      // initializing), so any request may be repeated; a 5xx only when repeating is harmless
      const retryable = status === 429 || (status >= 500 && repeatable);
      if (retryable && !last) {
        const wait = Math.min(
          (status === 429
            ? retryAfter(response.headers, data.toString('utf8'))
            : undefined) ?? backoffMs(this.retry, attempt),
          this.retry.maxDelayMs,
        );
        if (Date.now() + wait < deadline) {
          await sleep(wait);
          continue;
        }
      }
      return buffered(response, data);
    }
  }
}

/**
 * The one HTTP layer under every Kubernetes API call of the suite: each call has a time limit
 * (`timeoutMs`, every attempt and wait included, the response body too); a 429 is repeated after
 * the wait its Retry-After (or Status `retryAfterSeconds`) asks for, since the server did not act
 * on it; a 5xx or a connection error is repeated with exponential backoff when repeating is
 * harmless — reads (GET), server-side apply and merge patches, or a create whose caller treats
 * 409 as done (`conflictSafe`) — and never for another POST. A call that timed out is not
 * repeated: the server is hung, and the caller hears it at the deadline.
 *
 * @public
 */
export function kubeHttp(
  options: KubeHttpOptions = {},
  inner: HttpLibrary = new IsomorphicFetchHttpLibrary(),
): KubeHttp {
  const timeoutMs = options.timeoutMs ?? DEFAULT_KUBE_TIMEOUT_MS;
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  return {
    http: wrapHttpLibrary(new RetryingHttp(inner, timeoutMs, retry, false)),
    conflictSafe: wrapHttpLibrary(
      new RetryingHttp(inner, timeoutMs, retry, true),
    ),
  };
}

/**
 * The configuration of the generated API clients of a KubeConfig's cluster, as
 * `KubeConfig.makeApiClient` makes it, but with `http` as its HTTP layer.
 */
export function kubeApiConfiguration(
  kc: KubeConfig,
  http: HttpLibrary,
): Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster in the KubeConfig');
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    httpApi: http,
  });
}
