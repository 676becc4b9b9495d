import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { Agent } from 'undici';
import type { RetryPolicy } from '../util/backoff';
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  sleep,
} from '../util/backoff';

export { DEFAULT_RETRY_POLICY, parseRetryAfter } from '../util/backoff';
export type { RetryPolicy } from '../util/backoff';

/**
 * HTTP method used against the OpenStack APIs. Only GET (and HEAD) is retried.
 *
 * @public
 */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Options of {@link OpenStackTransport}.
 *
 * @public
 */
export interface OpenStackTransportOptions {
  /** Cloud key, named in errors. */
  cloudKey: string;
  timeoutMs: number;
  maxConcurrency: number;
  /** PEM CA bundle: requests go through an undici Agent trusting it. */
  caData?: string;
  retry?: Partial<RetryPolicy>;
  /** The fetch implementation, default the global one. */
  fetch?: typeof fetch;
}

/**
 * One HTTP request of {@link OpenStackTransport.request}.
 *
 * @public
 */
export interface OpenStackHttpRequest {
  /** Service named in errors (e.g. `compute`, `identity`). */
  service: string;
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** Secrets that must never appear in an error message (token, password…). */
  secrets?: string[];
  /** Statuses other than 2xx that are a success (e.g. 300 of a version document). */
  acceptStatuses?: number[];
  /** Overrides the retry count of the policy (e.g. 0 for a health probe). */
  retries?: number;
}

/**
 * A successful response, JSON body parsed (undefined when empty).
 *
 * @public
 */
export interface OpenStackHttpResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Limits the requests in flight.
 *
 * @public
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {
    if (!(max >= 1))
      throw new InputError(`concurrency must be >= 1, got ${max}`);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Requests running now (for tests and metrics). */
  get inFlight(): number {
    return this.active;
  }
}

/**
 * HTTP to one cloud: timeouts, bounded concurrency, retries of idempotent requests with
 * exponential backoff and jitter (honouring Retry-After), custom CA, and errors of
 * `@backstage/errors` naming the cloud, service, method and URL – never a secret.
 *
 * @public
 */
export class OpenStackTransport {
  readonly cloudKey: string;
  private readonly semaphore: Semaphore;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly dispatcher?: Agent;

  constructor(options: OpenStackTransportOptions) {
    this.cloudKey = options.cloudKey;
    this.semaphore = new Semaphore(options.maxConcurrency);
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs;
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
    if (options.caData) {
      this.dispatcher = new Agent({ connect: { ca: options.caData } });
    }
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.semaphore.inFlight;
  }

  async request<T = any>(
    req: OpenStackHttpRequest,
  ): Promise<OpenStackHttpResponse<T>> {
    const idempotent = req.method === 'GET' || req.method === 'HEAD';
    const maxAttempts = idempotent
      ? (req.retries ?? this.retry.retries) + 1
      : 1;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= maxAttempts;
      let response: Response;
      try {
        response = await this.semaphore.run(() => this.send(req));
      } catch (error) {
        const timedOut =
          (error as Error)?.name === 'TimeoutError' ||
          (error as Error)?.name === 'AbortError';
        if (!last) {
          await sleep(backoffMs(this.retry, attempt));
          continue;
        }
        const reason = timedOut
          ? `timed out after ${this.timeoutMs} ms`
          : `network error: ${describeNetworkError(error)}`;
        throw new ServiceUnavailableError(
          this.describe(req, `${reason}${attemptsNote(attempt)}`),
        );
      }

      const ok =
        (response.status >= 200 && response.status < 300) ||
        req.acceptStatuses?.includes(response.status);
      if (ok) {
        return {
          status: response.status,
          headers: response.headers,
          body: (await readJson(response)) as T,
        };
      }

      const retryable = response.status >= 500 || response.status === 429;
      if (retryable && !last) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        await response.arrayBuffer().catch(() => undefined);
        await sleep(
          Math.min(
            retryAfter ?? backoffMs(this.retry, attempt),
            this.retry.maxDelayMs,
          ),
        );
        continue;
      }
      const detail = await readErrorDetail(response);
      const text = this.describe(
        req,
        `HTTP ${response.status}${
          response.statusText ? ` ${response.statusText}` : ''
        }${detail ? `: ${detail}` : ''}${
          retryable && attempt > 1 ? attemptsNote(attempt) : ''
        }`,
      );
      throw errorForStatus(response.status, text);
    }
  }

  private send(req: OpenStackHttpRequest): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...req.headers,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    const init: RequestInit & { dispatcher?: Agent } = {
      method: req.method,
      headers,
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'manual',
    };
    if (this.dispatcher) init.dispatcher = this.dispatcher;
    return this.fetchImpl(req.url, init);
  }

  /** `OpenStack cloud "x": compute GET https://host/v2.1/os-services failed: <what>`. */
  describe(
    req: Pick<OpenStackHttpRequest, 'service' | 'method' | 'url' | 'secrets'>,
    what: string,
  ): string {
    return redact(
      `OpenStack cloud "${this.cloudKey}": ${req.service} ${req.method} ${safeUrl(
        req.url,
      )} failed: ${what}`,
      req.secrets,
    );
  }

  /** Closes the connections of a custom CA agent. */
  async close(): Promise<void> {
    await this.dispatcher?.close();
  }
}

function attemptsNote(attempt: number): string {
  return attempt > 1 ? ` (after ${attempt} attempts)` : '';
}

/** The URL without userinfo. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Replaces every secret (≥ 4 chars) by `***`.
 *
 * @public
 */
export function redact(text: string, secrets?: string[]): string {
  let out = text;
  for (const secret of secrets ?? []) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

function describeNetworkError(error: unknown): string {
  const e = error as {
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause
    ? `${e?.message ?? 'fetch failed'} (${cause})`
    : String(e?.message ?? error);
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The message of an OpenStack error body: nova `{"itemNotFound": {"message"}}`, keystone
 * `{"error": {"message"}}`, neutron `{"NeutronError": {"message"}}`, placement
 * `{"errors": [{"detail"}]}`; else the start of the text.
 */
async function readErrorDetail(
  response: Response,
): Promise<string | undefined> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  if (!text) return undefined;
  let message: string | undefined;
  try {
    const body = JSON.parse(text);
    if (Array.isArray(body?.errors)) {
      message = body.errors
        .map((e: any) => e?.detail ?? e?.title)
        .filter(Boolean)
        .join('; ');
    } else if (body && typeof body === 'object') {
      for (const value of Object.values(body)) {
        const m = (value as any)?.message;
        if (typeof m === 'string') {
          message = m;
          break;
        }
      }
      message ??= typeof body.message === 'string' ? body.message : undefined;
    }
  } catch {
    message = /<html/i.test(text) ? undefined : text;
  }
  if (!message) return undefined;
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/**
 * The `@backstage/errors` type for an upstream status.
 *
 * @public
 */
export function errorForStatus(status: number, message: string): Error {
  switch (status) {
    case 400:
    case 422:
      return new InputError(message);
    case 401:
      return new AuthenticationError(message);
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 406:
    case 501:
      return new NotImplementedError(message);
    case 409:
      return new ConflictError(message);
    default:
      return new ServiceUnavailableError(message);
  }
}
