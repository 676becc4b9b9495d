import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import { OpenStackCloudConfig } from './config';
import { OpenStackTransport } from './transport';

/**
 * One endpoint of a catalog entry, as Keystone v3 returns it.
 *
 * @public
 */
export interface CatalogEndpoint {
  id?: string;
  interface: string;
  region_id?: string | null;
  region?: string | null;
  url: string;
}

/**
 * One service of the token's catalog.
 *
 * @public
 */
export interface CatalogEntry {
  type: string;
  name?: string;
  id?: string;
  endpoints: CatalogEndpoint[];
}

/**
 * A project-scoped token with its catalog.
 *
 * @public
 */
export interface KeystoneToken {
  /** The token (`X-Subject-Token`); never logged, never in an error. */
  value: string;
  expiresAt: Date;
  projectId: string;
  projectName?: string;
  userId?: string;
  methods: string[];
  catalog: CatalogEntry[];
}

/**
 * Service-type aliases, preferred first: the client asks for a logical service and takes the
 * first type the catalog has.
 *
 * @public
 */
export const SERVICE_TYPE_ALIASES: Record<string, string[]> = {
  identity: ['identity'],
  compute: ['compute'],
  placement: ['placement'],
  network: ['network'],
  'block-storage': ['block-storage', 'volumev3', 'volume'],
  volumev3: ['volumev3', 'block-storage', 'volume'],
  image: ['image'],
};

/**
 * Options of {@link KeystoneAuth}.
 *
 * @public
 */
export interface KeystoneAuthOptions {
  /** A token is renewed this long before `expires_at`, default 60 s. */
  expiryMarginMs?: number;
  /** Clock, default Date.now. */
  now?: () => number;
}

/**
 * Keystone v3 authentication of one cloud: application credential (preferred) or password,
 * token cached until shortly before it expires, one shared in-flight authentication, endpoint
 * selection by service type, interface and region.
 *
 * @public
 */
export class KeystoneAuth {
  private cached?: KeystoneToken;
  private inFlight?: Promise<KeystoneToken>;
  private readonly expiryMarginMs: number;
  private readonly now: () => number;
  /** Number of token requests sent (for metrics and tests). */
  authCount = 0;

  constructor(
    private readonly cloud: OpenStackCloudConfig,
    private readonly transport: OpenStackTransport,
    options: KeystoneAuthOptions = {},
  ) {
    this.expiryMarginMs = options.expiryMarginMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Secrets of this cloud, to keep them out of error messages. */
  secrets(): string[] {
    return [
      this.cloud.applicationCredentialSecret,
      this.cloud.password,
      this.cached?.value,
    ].filter((s): s is string => !!s);
  }

  /** A valid token: the cached one, the one being requested, or a new one. */
  async token(): Promise<KeystoneToken> {
    const cached = this.cached;
    if (
      cached &&
      this.now() < cached.expiresAt.getTime() - this.expiryMarginMs
    ) {
      return cached;
    }
    if (!this.inFlight) {
      this.inFlight = this.authenticate().then(
        token => {
          this.cached = token;
          this.inFlight = undefined;
          return token;
        },
        error => {
          this.inFlight = undefined;
          throw error;
        },
      );
    }
    return this.inFlight;
  }

  /**
   * Forgets `token` after a service answered 401 with it; the next {@link KeystoneAuth.token}
   * authenticates again (once, however many callers saw the 401).
   */
  invalidate(token: KeystoneToken): void {
    if (this.cached === token) this.cached = undefined;
  }

  /** The URL of a service in the token's catalog for the configured interface and region. */
  endpoint(token: KeystoneToken, service: string): string {
    const types = SERVICE_TYPE_ALIASES[service] ?? [service];
    const iface = this.cloud.interface;
    const region = this.cloud.region;
    const where = `OpenStack cloud "${this.cloud.key}"`;
    for (const type of types) {
      const entry = token.catalog.find(c => c.type === type);
      if (!entry) continue;
      const candidates = entry.endpoints.filter(
        e =>
          e.interface === iface &&
          (!region || e.region_id === region || e.region === region),
      );
      if (candidates.length === 0) continue;
      const regions = new Set(candidates.map(e => e.region_id ?? e.region));
      if (!region && regions.size > 1) {
        throw new InputError(
          `${where}: the catalog has ${type} endpoints in several regions (${[
            ...regions,
          ].join(', ')}); set openstack.clouds.${this.cloud.key}.region`,
        );
      }
      return substituteProject(candidates[0].url, token.projectId).replace(
        /\/+$/,
        '',
      );
    }
    const offered = token.catalog
      .filter(c => types.includes(c.type))
      .flatMap(c =>
        c.endpoints.map(
          e => `${c.type}/${e.interface}/${e.region_id ?? e.region ?? '-'}`,
        ),
      );
    throw new NotFoundError(
      `${where}: the catalog has no ${types.join(
        ' or ',
      )} endpoint with interface ${iface}${
        region ? ` in region ${region}` : ''
      }${
        offered.length
          ? ` (it offers ${offered.join(', ')}); check openstack.clouds.${
              this.cloud.key
            }.interface/region`
          : ''
      }`,
    );
  }

  private async authenticate(): Promise<KeystoneToken> {
    const c = this.cloud;
    const identity = c.applicationCredentialId
      ? {
          methods: ['application_credential'],
          application_credential: {
            id: c.applicationCredentialId,
            secret: c.applicationCredentialSecret,
          },
        }
      : {
          methods: ['password'],
          password: {
            user: {
              name: c.username,
              domain: { name: c.userDomainName },
              password: c.password,
            },
          },
        };
    const body = c.applicationCredentialId
      ? { auth: { identity } }
      : {
          auth: {
            identity,
            scope: {
              project: {
                name: c.projectName,
                domain: { name: c.projectDomainName },
              },
            },
          },
        };
    const method = c.applicationCredentialId
      ? `application credential ${c.applicationCredentialId}`
      : `user ${c.username}`;
    const req = {
      service: 'identity',
      method: 'POST' as const,
      url: `${c.authUrl}/auth/tokens`,
      body,
      secrets: this.secrets(),
    };
    this.authCount++;
    let response;
    try {
      response = await this.transport.request<{ token: any }>(req);
    } catch (error) {
      if (error instanceof AuthenticationError) {
        throw new AuthenticationError(
          `${error.message} (Keystone rejected ${method}; check openstack.clouds.${c.key} credentials)`,
        );
      }
      throw error;
    }
    const value = response.headers.get('x-subject-token');
    const t = response.body?.token;
    if (!value || !t?.expires_at) {
      throw new AuthenticationError(
        this.transport.describe(
          req,
          'Keystone answered without X-Subject-Token or expires_at',
        ),
      );
    }
    if (!t.project?.id) {
      throw new AuthenticationError(
        this.transport.describe(
          req,
          `the token of ${method} is not project-scoped; use a project-scoped application credential or set projectName`,
        ),
      );
    }
    return {
      value,
      expiresAt: new Date(t.expires_at),
      projectId: t.project.id,
      projectName: t.project.name,
      userId: t.user?.id,
      methods: t.methods ?? [],
      catalog: t.catalog ?? [],
    };
  }
}

/**
 * Fills `%(project_id)s`, `%(tenant_id)s` and `$(…)s` placeholders.
 *
 * @public
 */
export function substituteProject(url: string, projectId: string): string {
  return url.replace(/[%$]\((project_id|tenant_id)\)s/g, projectId);
}
