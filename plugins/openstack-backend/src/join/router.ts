import { AuditorService, AuthService, RootConfigService as Config, BackstageCredentials, DiscoveryService, HttpAuthService, LoggerService, PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  HOST_NAME,
  JOIN_TOKEN,
  joinFilePath,
  joinInstructions,
  NOVA_VERSION,
  JoinTokenStatus,
  openstackComputeDecommissionPermission,
  openstackComputeEnrollPermission,
  renderJoinScript,
} from '@backstage-openstack/plugin-openstack-common';
import { resolveCloud } from '@backstage-openstack/plugin-openstack-node';
import express from 'express';
import Router from 'express-promise-router';
import { isIP } from 'node:net';
import { z } from 'zod';
import { JoinTokenStore } from './JoinTokenStore';
import { JoinContinuationStarter } from './continuationStarter';
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
  /** Starts a reported host's enrollment continuation, on behalf of the user who reads its join state. */
  continuations: Pick<JoinContinuationStarter, 'ensureStarted'>;
  settings: JoinSettings;
}

/** The one answer to a token that is wrong, used, expired or fetched from another address. */
const NO_SUCH_TOKEN = {
  error: { name: 'NotFoundError', message: 'This join link is not valid: it is unknown, used or expired. Ask for a new one (enroll the host again).' },
};
const MAX_FILE = 64 * 1024;

const continuationSpec = z.object({
  templateRef: z.string().max(255).regex(/^template:[^/\s]+\/[^/\s]+$/, 'is not a template ref (template:<namespace>/<name>)'),
  parameters: z.record(z.string(), z.unknown()).refine(p => JSON.stringify(p).length <= 16 * 1024, 'is over 16 KiB'),
});
const issueBody = z.object({
  host: z.string().max(63).regex(HOST_NAME, 'is not a host name (lower-case DNS name)'),
  managementIp: z.string().max(45).refine(v => isIP(v) !== 0, 'is not an IP address'),
  files: z
    .record(z.string(), z.string().max(MAX_FILE))
    .refine(f => Object.keys(f).every(k => joinFilePath(k)), 'holds a file the join script does not know (the files of renderComputeBundle)')
    .refine(f => Object.keys(f).length > 0, 'is empty'),
  ttlMinutes: z.number().int().min(1).max(24 * 60).optional(),
  continuation: continuationSpec.optional(),
});
const reportBody = z.object({ novaComputeVersion: z.string().max(64).regex(NOVA_VERSION, 'is not a nova version (e.g. 31.0.1)') });
const bindBody = z.object({
  joinId: z.string().uuid(),
  taskId: z.string().min(1).max(255),
  parameters: z.record(z.string(), z.unknown()),
});
/** How far back the cloud's join list looks: a day. */
const LIST_SINCE_MS = 24 * 3_600_000;

/** The form values a continuation runs with: the enroll task's, without the hidden binding ones. */
const continuationValues = (parameters: Record<string, unknown>) => Object.fromEntries(Object.entries(parameters).filter(([k]) => k !== 'approvalId' && k !== 'joinId'));

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new InputError(r.error.issues.map(i => `body.${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

/** The token of a join call: in the Authorization header (`Bearer <token>`), never in a URL (the request log writes URLs). */
function tokenOf(req: express.Request): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return m && JOIN_TOKEN.test(m[1]) ? m[1] : undefined;
}

/** The caller's address without the IPv4-mapped IPv6 prefix. */
const addressOf = (req: express.Request) => (req.ip ?? req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');

/**
 * The join routes. `GET /join` and `POST /join/report` are the suite's only routes without a
 * Backstage identity (the plugin's auth policy opens `/join`): the token, in the Authorization
 * header (never in the URL, which the request log writes), is the only gate. They are
 * rate-limited per address and in total, audited, and answer a wrong, used or expired token
 * alike. `POST` / `GET /clouds/:namespace/:name/join-tokens…` issue a token and read the join
 * state, with the caller's `openstack.compute.enroll`; a user's read of a reported host's state
 * starts its enrollment's continuation as their task.
 */
export function createJoinRouter(options: JoinRouterOptions): express.Router {
  const { httpAuth, auth, permissions, catalog, auditor, tokens, settings } = options;
  const limit = new JoinRateLimit({ perAddressPerMinute: settings.perAddressPerMinute, globalPerMinute: settings.globalPerMinute });
  const router = Router();
  router.use(express.json({ limit: 256 * 1024 }));

  const baseUrl = async () => (settings.baseUrl ?? (await options.discovery.getExternalBaseUrl('openstack'))).replace(/\/+$/, '');

  /** Audits a join call; never the token (the request's Authorization header holds it, so the request is not passed). */
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

  router.get('/join', async (req, res) => {
    if (limited(req, res)) return;
    const from = addressOf(req);
    const token = tokenOf(req);
    if (!token) {
      await audit('fetch-script', from, 'no or malformed token');
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
    const script = renderJoinScript(used.files, { host: used.host, cloudKey: used.cloudKey, reportUrl: `${await baseUrl()}/join/report`, token });
    await audit('fetch-script', from, 'ok', { cloud: used.cloudRef, host: used.host });
    res.set('Cache-Control', 'no-store').type('text/x-shellscript').send(script);
  });

  router.post('/join/report', async (req, res) => {
    if (limited(req, res)) return;
    const from = addressOf(req);
    // the body first: its answer must not depend on the token
    const { novaComputeVersion } = parse(reportBody, req.body);
    const token = tokenOf(req);
    const done = token ? await tokens.report(token, novaComputeVersion) : undefined;
    if (!done) {
      await audit('report', from, 'unknown token, not fetched, already reported or past its report window');
      res.status(404).json(NO_SUCH_TOKEN);
      return;
    }
    await audit('report', from, 'ok', { cloud: done.cloudRef, host: done.host, novaComputeVersion });
    res.status(202).json({ host: done.host, novaComputeVersion });
  });

  async function enrollerOf(req: express.Request, permission = openstackComputeEnrollPermission): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Permission ${permission.name} is required; nothing was changed`);
    }
    return credentials;
  }
  /** A user's read of a reported host's join state starts its enrollment's continuation, as their task (never a service's). */
  const continued = (state: JoinTokenStatus, credentials: BackstageCredentials) =>
    auth.isPrincipal(credentials, 'user') ? options.continuations.ensureStarted(state, credentials as BackstageCredentials<BackstageUserPrincipal>) : state;
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
    const { token, joinId, expiresAt } = await tokens.issue({
      cloudRef: cloud.entityRef,
      cloudKey: cloud.cloudKey,
      host: body.host,
      managementIp: body.managementIp,
      files: body.files,
      createdBy,
      ttlMs: ttlMinutes * 60_000,
      continuation: body.continuation && { templateRef: body.continuation.templateRef, parameters: continuationValues(body.continuation.parameters) },
    });
    const joinUrl = `${await baseUrl()}/join`;
    const event = await auditor.createEvent({ eventId: 'compute-join', severityLevel: 'medium', meta: { action: 'issue', cloud: cloud.entityRef, host: body.host, by: createdBy, expiresAt } });
    await event.success();
    res.status(201).json({ host: body.host, expiresAt, joinId, joinUrl, token, ...joinInstructions(joinUrl, token) });
  });

  router.get('/clouds/:namespace/:name/join-tokens', async (req, res) => {
    const credentials = await enrollerOf(req);
    const cloud = await cloudOf(req, credentials);
    const items = await tokens.list(cloud.entityRef, LIST_SINCE_MS);
    res.json({ items: await Promise.all(items.map(s => continued(s, credentials))) });
  });

  router.get('/clouds/:namespace/:name/join-tokens/:host', async (req, res) => {
    const credentials = await enrollerOf(req);
    const cloud = await cloudOf(req, credentials);
    const state = await tokens.latest(cloud.entityRef, req.params.host);
    if (!state) throw new NotFoundError(`${cloud.entityRef} has issued no join token for ${req.params.host}`);
    res.json(await continued(state, credentials));
  });

  // the continuation's enroll step, as its task's initiator: binds the join record to its task
  router.post('/clouds/:namespace/:name/join-tokens/:host/continuation', async (req, res) => {
    const credentials = await enrollerOf(req);
    const body = parse(bindBody, req.body);
    const cloud = await cloudOf(req, credentials);
    const state = await tokens.bindContinuation({ ...body, parameters: continuationValues(body.parameters), cloudRef: cloud.entityRef, host: req.params.host });
    res.json(state);
  });

  // decommission: the host's unused tokens go (a used one is a record of its join, and opens nothing)
  router.delete('/clouds/:namespace/:name/join-tokens/:host', async (req, res) => {
    const credentials = await enrollerOf(req, openstackComputeDecommissionPermission);
    const cloud = await cloudOf(req, credentials);
    const deleted = await tokens.deleteUnused(cloud.entityRef, req.params.host);
    const event = await auditor.createEvent({ eventId: 'compute-join', severityLevel: 'medium', meta: { action: 'delete-unused', cloud: cloud.entityRef, host: req.params.host, deleted: String(deleted) } });
    await event.success();
    res.json({ deleted });
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
