import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * Endpoint interface chosen from the Keystone catalog.
 *
 * @public
 */
export type OpenStackInterface = 'public' | 'internal' | 'admin';

/**
 * The optional string settings of one cloud, as `config.d.ts` documents them: credentials
 * (an application credential is preferred to a password), region and CA bundle.
 *
 * @public
 */
export type OpenStackCloudStringSetting =
  | 'region'
  | 'applicationCredentialId'
  | 'applicationCredentialSecret'
  | 'username'
  | 'password'
  | 'userDomainName'
  | 'projectName'
  | 'projectDomainName'
  | 'caData';

/**
 * One cloud of `openstack.clouds.<key>` in app-config, validated and with its defaults
 * (see `config.d.ts` for each setting): `key` is the key under `openstack.clouds`, named in
 * every error; `authUrl` ends in `/v3`.
 *
 * @public
 */
export type OpenStackCloudConfig = {
  key: string;
  authUrl: string;
  interface: OpenStackInterface;
  timeoutMs: number;
  maxConcurrency: number;
} & Partial<Record<OpenStackCloudStringSetting, string>>;

/** Default timeout of one request. @public */
export const DEFAULT_OPENSTACK_TIMEOUT_MS = 10_000;
/** Default concurrency per cloud. @public */
export const DEFAULT_OPENSTACK_MAX_CONCURRENCY = 8;

const INTERFACES: OpenStackInterface[] = ['public', 'internal', 'admin'];

/**
 * Reads and validates one cloud (`openstack.clouds.<key>`).
 *
 * @public
 */
export function readOpenStackCloud(
  key: string,
  config: Config,
): OpenStackCloudConfig {
  const where = `openstack.clouds.${key}`;
  const str = (name: string) => {
    try {
      return config.getOptionalString(name)?.trim() || undefined;
    } catch {
      throw new InputError(`${where}.${name} must be a string`);
    }
  };
  const num = (name: string, def: number) => {
    let value: number | undefined;
    try {
      value = config.getOptionalNumber(name);
    } catch {
      throw new InputError(`${where}.${name} must be a number`);
    }
    if (value === undefined) return def;
    if (!Number.isFinite(value) || value <= 0) {
      throw new InputError(
        `${where}.${name} must be a positive number, got ${value}`,
      );
    }
    return value;
  };

  const authUrl = str('authUrl');
  if (!authUrl) {
    throw new InputError(
      `${where}.authUrl is missing; set it to the Keystone v3 URL, e.g. https://keystone.example.com:5000/v3`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(authUrl);
  } catch {
    throw new InputError(
      `${where}.authUrl "${authUrl}" is not a URL; set it to the Keystone v3 URL, e.g. https://keystone.example.com:5000/v3`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError(`${where}.authUrl must be an http(s) URL`);
  }
  if (parsed.username || parsed.password) {
    throw new InputError(
      `${where}.authUrl must not contain credentials; use applicationCredentialId/applicationCredentialSecret`,
    );
  }

  const iface = (str('interface') ?? 'public') as OpenStackInterface;
  if (!INTERFACES.includes(iface)) {
    throw new InputError(
      `${where}.interface "${iface}" is not valid; use one of ${INTERFACES.join(
        ', ',
      )}`,
    );
  }

  const applicationCredentialId = str('applicationCredentialId');
  const applicationCredentialSecret = str('applicationCredentialSecret');
  const username = str('username');
  const password = str('password');
  const projectName = str('projectName');

  if (applicationCredentialId || applicationCredentialSecret) {
    if (!applicationCredentialId || !applicationCredentialSecret) {
      throw new InputError(
        `${where}: set both applicationCredentialId and applicationCredentialSecret (openstack application credential create)`,
      );
    }
  } else if (username || password) {
    if (!username || !password || !projectName) {
      throw new InputError(
        `${where}: password authentication needs username, password and projectName (an application credential is preferred: applicationCredentialId/applicationCredentialSecret)`,
      );
    }
  } else {
    throw new InputError(
      `${where} has no credentials; set applicationCredentialId and applicationCredentialSecret (preferred) or username, password and projectName`,
    );
  }

  const caData = str('caData');
  if (caData && !caData.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError(
      `${where}.caData must be a PEM bundle (-----BEGIN CERTIFICATE-----)`,
    );
  }

  return {
    key,
    authUrl: normalizeAuthUrl(authUrl),
    region: str('region'),
    interface: iface,
    applicationCredentialId,
    applicationCredentialSecret,
    username: applicationCredentialId ? undefined : username,
    password: applicationCredentialId ? undefined : password,
    userDomainName: str('userDomainName') ?? 'Default',
    projectName: applicationCredentialId ? undefined : projectName,
    projectDomainName: str('projectDomainName') ?? 'Default',
    caData,
    timeoutMs: num('timeoutMs', DEFAULT_OPENSTACK_TIMEOUT_MS),
    maxConcurrency: Math.floor(
      num('maxConcurrency', DEFAULT_OPENSTACK_MAX_CONCURRENCY),
    ),
  };
}

/**
 * Reads every cloud of `openstack.clouds` (none configured gives an empty list).
 *
 * @public
 */
export function readOpenStackClouds(config: Config): OpenStackCloudConfig[] {
  const clouds = config.getOptionalConfig('openstack.clouds');
  if (!clouds) return [];
  return clouds
    .keys()
    .map(key => readOpenStackCloud(key, clouds.getConfig(key)));
}

/** Keystone URL ending in `/v3`, without trailing slash. */
function normalizeAuthUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}
