import { AuthenticationError } from '@backstage/errors';
import { OpenStackCloudConfig } from './config';
import { KeystoneAuth, KeystoneAuthOptions } from './keystone';
import {
  HttpMethod,
  OpenStackHttpResponse,
  OpenStackTransport,
  RetryPolicy,
} from './transport';

/**
 * Query parameters; undefined values are left out.
 *
 * @public
 */
export type QueryParams = Record<string, string | number | boolean | undefined>;

/**
 * Options of one {@link OpenStackSession.request}.
 *
 * @public
 */
export interface SessionRequestOptions {
  method?: HttpMethod;
  query?: QueryParams;
  headers?: Record<string, string>;
  body?: unknown;
  acceptStatuses?: number[];
  /** Overrides the retry count for this request (GET/HEAD only are ever retried). */
  retries?: number;
}

/**
 * Options of {@link OpenStackSession}.
 *
 * @public
 */
export interface OpenStackSessionOptions extends KeystoneAuthOptions {
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
}

/**
 * Authenticated requests to the services of one cloud: endpoint from the catalog, token in
 * `X-Auth-Token`, and on a 401 one re-authentication and one retry.
 *
 * @public
 */
export class OpenStackSession {
  readonly transport: OpenStackTransport;
  readonly keystone: KeystoneAuth;

  constructor(
    readonly cloud: OpenStackCloudConfig,
    options: OpenStackSessionOptions = {},
  ) {
    this.transport = new OpenStackTransport({
      cloudKey: cloud.key,
      timeoutMs: cloud.timeoutMs,
      maxConcurrency: cloud.maxConcurrency,
      caData: cloud.caData,
      retry: options.retry,
      fetch: options.fetch,
    });
    this.keystone = new KeystoneAuth(cloud, this.transport, options);
  }

  /** The catalog URL of a service (no trailing slash). */
  async endpoint(service: string): Promise<string> {
    return this.keystone.endpoint(await this.keystone.token(), service);
  }

  /** The project of the token (for `%(project_id)s` URLs and project-scoped calls). */
  async projectId(): Promise<string> {
    return (await this.keystone.token()).projectId;
  }

  /**
   * Sends a request to `service`; `path` is relative to the catalog endpoint (or an absolute
   * URL, which must then be on that endpoint's origin).
   */
  async request<T = any>(
    service: string,
    path: string,
    options: SessionRequestOptions = {},
  ): Promise<OpenStackHttpResponse<T>> {
    let token = await this.keystone.token();
    for (let attempt = 1; ; attempt++) {
      const base = this.keystone.endpoint(token, service);
      const url = buildUrl(base, path, options.query);
      try {
        return await this.transport.request<T>({
          service,
          method: options.method ?? 'GET',
          url,
          headers: { ...options.headers, 'X-Auth-Token': token.value },
          body: options.body,
          acceptStatuses: options.acceptStatuses,
          retries: options.retries,
          secrets: [...this.keystone.secrets(), token.value],
        });
      } catch (error) {
        if (!(error instanceof AuthenticationError) || attempt > 1) throw error;
        // the token was revoked or expired early: authenticate once more and retry once
        this.keystone.invalidate(token);
        token = await this.keystone.token();
      }
    }
  }
}

/**
 * `base` + `path` + query; `path` may be absolute.
 *
 * @public
 */
export function buildUrl(
  base: string,
  path: string,
  query?: QueryParams,
): string {
  const url = /^https?:\/\//.test(path)
    ? new URL(path)
    : new URL(
        path ? `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : base,
      );
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  return url.toString();
}
