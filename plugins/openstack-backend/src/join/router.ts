import { AuditorService, AuthService, RootConfigService as Config, BackstageCredentials, DiscoveryService, HttpAuthService, LoggerService, PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  HOST_NAME,
  joinFilePath,
  joinInstructions,
  NOVA_VERSION,
  openstackComputeEnrollPermission,
  renderJoinScript,
} from '@backstage-openstack/plugin-openstack-common';
import { resolveCloud } from '@backstage-openstack/plugin-openstack-node';
import express from 'express';
import Router from 'express-promise-router';
import { isIP } from 'node:net';
import { z } from 'zod';
import { JoinTokenStore } from './JoinTokenStore';
import { JoinRateLimit } from './rateLimit';

/** The join settings (`openstack.join`). */
export interface JoinSettings {
  /** How long a token is valid, default 60 minutes. */
  tokenTtlMinutes: number;
  /** How long after the script's fetch the host may report its version, default 15 minutes. */
  reportWindowMinutes: number;
  /** The URL hosts reach the suite's API at (`…/api/openstack`); default the discovery's external URL. */
  baseUrl?: string;
  /** Refuse a script fetch from another address than the token's management IP; default true. */
  requireManagementIp: boolean;
  perAddressPerMinute: number;
  globalPerMinute: number;
}

export interface JoinRouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  discovery: DiscoveryService;
  auditor: AuditorService;
  logger: LoggerService;
  tokens: JoinTokenStore;
  settings: JoinSettings;
}

/** The one answer to a token that is wrong, used, expired or fetched from another address. */
const NO_SUCH_TOKEN = {
  error: { name: 'NotFoundError', message: 'This join link is not valid: it is unknown, used or expired. Ask for a new one (enroll the host again).' },
};
/** A token as the routes accept it: 32 random bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const MAX_FILE = 64 * 1024;

const issueBody = z.object({
  host: z.string().max(63).regex(HOST_NAME, 'is not a host name (lower-case DNS name)'),
  managementIp: z.string().max(45).refine(v => isIP(v) !== 0, 'is not an IP address'),
  files: z
    .record(z.string(), z.string().max(MAX_FILE))
    .refine(f => Object.keys(f).every(k => joinFilePath(k)), 'holds a file the join script does not know (the files of renderComputeBundle)')
    .refine(f => Object.keys(f).length > 0, 'is empty'),
  ttlMinutes: z.number().int().min(1).max(24 * 60).optional(),
});
const reportBody = z.object({ novaComputeVersion: z.string().max(64).regex(NOVA_VERSION, 'is not a nova version (e.g. 31.0.1)') });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new InputError(r.error.issues.map(i => `body.${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

/** The caller's address without the IPv4-mapped IPv6 prefix. */
const addressOf = (req: express.Request) => (req.ip ?? req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');

/**
 * The join routes. `GET /join/:token` and `POST /join/:token/report` are the suite's only routes
 * without a Backstage identity (the plugin's auth policy opens `/join`): the token is the only
 * gate. They are rate-limited per address and in total, audited, and answer a wrong, used or
 * expired token alike. `POST` / `GET /clouds/:namespace/:name/join-tokens…` issue a token and
 * read its state, with the caller's `openstack.compute.enroll`.
 */
export function createJoinRouter(options: JoinRouterOptions): express.Router {
  const { httpAuth, auth, permissions, catalog, auditor, tokens, settings } = options;
  const limit = new JoinRateLimit({ perAddressPerMinute: settings.perAddressPerMinute, globalPerMinute: settings.globalPerMinute });
  const router = Router();
  router.use(express.json({ limit: 256 * 1024 }));

  const baseUrl = async () => (settings.baseUrl ?? (await options.discovery.getExternalBaseUrl('openstack'))).replace(/\/+$/, '');

  /** Audits a join call; never the token (the request's URL holds it, so the request is not passed). */
  async function audit(action: 'fetch-script' | 'report', address: string, outcome: string, meta: Record<string, string> = {}) {
    const event = await auditor.createEvent({ eventId: 'compute-join', severityLevel: 'high', meta: { action, address, ...meta } });
    if (outcome === 'ok') await event.success();
    else await event.fail({ error: new NotAllowedError(`join ${action} refused: ${outcome}`) });
  }

  /** The rate limit; true when the request was answered (429). */
  function limited(req: express.Request, res: express.Response): boolean {
    const wait = limit.take(addressOf(req));
    if (!wait) return false;
    res.set('Retry-After', String(wait)).status(429).json({ error: { name: 'TooManyRequests', message: `Too many join requests; try again in ${wait} s` } });
    return true;
  }

  router.get('/join/:token', async (req, res) => {
    if (limited(req, res)) return;
    const from = addressOf(req);
    const token = req.params.token;
    if (!TOKEN.test(token)) {
      await audit('fetch-script', from, 'malformed token');
      res.status(404).json(NO_SUCH_TOKEN);
      return;
    }
    if (settings.requireManagementIp) {
      const bound = await tokens.boundAddress(token);
      if (bound && bound !== from) {
        // not used up: the host itself may still fetch it
        await audit('fetch-script', from, 'fetched from another address than the management IP', { expected: bound });
        res.status(404).json(NO_SUCH_TOKEN);
        return;
      }
    }
    const used = await tokens.use(token, from, settings.reportWindowMinutes * 60_000);
    if (!used) {
      await audit('fetch-script', from, 'unknown, used or expired token');
      res.status(404).json(NO_SUCH_TOKEN);
      return;
    }
    const script = renderJoinScript(used.files, { host: used.host, cloudKey: used.cloudKey, reportUrl: `${await baseUrl()}/join/${token}/report` });
    await audit('fetch-script', from, 'ok', { cloud: used.cloudRef, host: used.host });
    res.set('Cache-Control', 'no-store').type('text/x-shellscript').send(script);
  });

  router.post('/join/:token/report', async (req, res) => {
    if (limited(req, res)) return;
    const from = addressOf(req);
    // the body first: its answer must not depend on the token
    const { novaComputeVersion } = parse(reportBody, req.body);
    const done = TOKEN.test(req.params.token) ? await tokens.report(req.params.token, novaComputeVersion) : undefined;
    if (!done) {
      await audit('report', from, 'unknown token, not fetched, already reported or past its report window');
      res.status(404).json(NO_SUCH_TOKEN);
      return;
    }
    await audit('report', from, 'ok', { cloud: done.cloudRef, host: done.host, novaComputeVersion });
    res.status(202).json({ host: done.host, novaComputeVersion });
  });

  async function enrollerOf(req: express.Request): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const [decision] = await permissions.authorize([{ permission: openstackComputeEnrollPermission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Permission ${openstackComputeEnrollPermission.name} is required; nothing was changed`);
    }
    return credentials;
  }
  const cloudOf = (req: express.Request, credentials: BackstageCredentials) =>
    resolveCloud(catalog, `resource:${req.params.namespace}/${req.params.name}`, credentials, 'path');

  router.post('/clouds/:namespace/:name/join-tokens', async (req, res) => {
    const credentials = await enrollerOf(req);
    const body = parse(issueBody, req.body);
    const cloud = await cloudOf(req, credentials);
    let createdBy = 'unknown';
    if (auth.isPrincipal(credentials, 'user')) createdBy = credentials.principal.userEntityRef;
    else if (auth.isPrincipal(credentials, 'service')) createdBy = credentials.principal.subject;
    const ttlMinutes = Math.min(body.ttlMinutes ?? settings.tokenTtlMinutes, settings.tokenTtlMinutes);
    const { token, expiresAt } = await tokens.issue({
      cloudRef: cloud.entityRef,
      cloudKey: cloud.cloudKey,
      host: body.host,
      managementIp: body.managementIp,
      files: body.files,
      createdBy,
      ttlMs: ttlMinutes * 60_000,
    });
    const joinUrl = `${await baseUrl()}/join/${token}`;
    const event = await auditor.createEvent({ eventId: 'compute-join', severityLevel: 'medium', meta: { action: 'issue', cloud: cloud.entityRef, host: body.host, by: createdBy, expiresAt } });
    await event.success();
    res.status(201).json({ host: body.host, expiresAt, joinUrl, ...joinInstructions(joinUrl) });
  });

  router.get('/clouds/:namespace/:name/join-tokens/:host', async (req, res) => {
    const credentials = await enrollerOf(req);
    const cloud = await cloudOf(req, credentials);
    const state = await tokens.latest(cloud.entityRef, req.params.host);
    if (!state) throw new NotFoundError(`${cloud.entityRef} has issued no join token for ${req.params.host}`);
    res.json(state);
  });

  return router;
}

/** `openstack.join` with its defaults. */
export function readJoinSettings(config: Config): JoinSettings {
  const c = config.getOptionalConfig('openstack.join');
  const limits = c?.getOptionalConfig('rateLimit');
  return {
    tokenTtlMinutes: c?.getOptionalNumber('tokenTtlMinutes') ?? 60,
    reportWindowMinutes: c?.getOptionalNumber('reportWindowMinutes') ?? 15,
    baseUrl: c?.getOptionalString('baseUrl'),
    requireManagementIp: c?.getOptionalBoolean('requireManagementIp') ?? true,
    perAddressPerMinute: limits?.getOptionalNumber('perAddressPerMinute') ?? 10,
    globalPerMinute: limits?.getOptionalNumber('globalPerMinute') ?? 120,
  };
}
