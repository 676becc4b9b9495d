import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_CLUSTER,
  ANNOTATION_OPENSTACK_NAMESPACE,
  CHART_ORDER,
  ChartName,
  CloudListItem,
  CloudZones,
  ComputeHostStatus,
  DNS_LABEL,
  findRelease,
  HOST_FILTERS,
  HOST_NAME,
  HOST_SORT_FIELDS,
  hostEntityRef,
  OPENSTACK_CLOUD_TYPE,
  OPENSTACK_COMPONENTS,
  openstackCloudCreatePermission,
  openstackCloudReadPermission,
  queryHosts,
  safeNameField,
  stringifyCloudRef,
} from '@backstage-openstack/plugin-openstack-common';
import { ChartSources, cloudKeyHolders, resolveCloud, ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';
import express from 'express';
import Router from 'express-promise-router';
import { readFileSync } from 'node:fs';
import yaml from 'yaml';
import { z } from 'zod';
import { DemoClouds } from '../demo/DemoClouds';
import { StatusService } from '../status/StatusService';
import { listOperations, OperationsDeps } from './operations';
import { CloudReadAccess } from './readAccess';
import { SerializedAnswer, ViewJson } from './viewJson';
import { zonesOfHosts } from './zones';

export interface RouterOptions extends OperationsDeps {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  discovery: DiscoveryService;
  permissions: PermissionsService;
  catalog: CatalogService;
  status: StatusService;
  demo?: DemoClouds;
  /** The keys of openstack.clouds: no demo cloud may take one. */
  liveCloudKeys: readonly string[];
  /** openstack.chartSources: the new-cloud form offers their names. */
  chartSources: ChartSources;
  /** A live cloud's zones and aggregates from its Nova, by cloud key (undefined: not a configured live cloud). */
  liveZones?: (cloudKey: string) => Promise<CloudZones> | undefined;
}

const hostsQuery = z.object({
  filter: z.enum(HOST_FILTERS).optional(),
  search: z.string().max(200).optional(),
  sort: z.enum(HOST_SORT_FIELDS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  refresh: z.enum(['true', 'false']).optional(),
});

// The demo store's bodies: every string is a closed set of characters with a bound length (it is
// stored, and shown as a Kubernetes name, label or config value); releases, components and charts
// are the suite's own.
const releaseField = z.string().max(20).refine(r => !!findRelease(r), 'is not an OpenStack release. Use one like 2025.2');
const createBody = z.object({
  name: z.string().max(40).regex(DNS_LABEL),
  release: releaseField,
  region: safeNameField('RegionOne').optional(),
  cluster: safeNameField('demo-cluster').optional(),
  namespace: z.string().max(63).regex(DNS_LABEL).optional(),
  components: z.array(z.enum(OPENSTACK_COMPONENTS)).min(1),
  rolloutSeconds: z.number().int().min(0).max(3600).optional(),
});
const upgradeBody = z.object({
  to: releaseField,
  order: z.array(z.enum(CHART_ORDER as [ChartName, ...ChartName[]])).min(1).max(CHART_ORDER.length),
  stepSeconds: z.number().int().min(0).max(600).optional(),
});
const enrollBody = z.object({
  host: z.string().max(63).regex(HOST_NAME),
  zone: safeNameField('az1'),
  aggregate: safeNameField('az1-general').optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new InputError(
      r.error.issues.map(i => `${where}.${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  return r.data;
}

/** The HTTP routes of the plugin, mounted at /api/openstack (described in openapi.yaml). */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, catalog, status, demo } = options;
  const readAccess = new CloudReadAccess(permissions, catalog);
  const viewJson = new ViewJson();
  const router = Router();
  router.use(express.json());

  async function authorize(req: express.Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Permission ${permission.name} is required`);
    }
    return credentials;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/openapi.json', (_req, res) => {
    const file = resolvePackagePath('@backstage-openstack/plugin-openstack-backend', 'openapi.yaml');
    res.json(yaml.parse(readFileSync(file, 'utf8')));
  });

  /**
   * The cloud the path names (`/clouds/:namespace/:name/…`: its cloud ref), resolved in the
   * catalog with the caller's credentials, so nobody reads or changes a cloud they cannot see.
   */
  function cloudOf(req: express.Request, credentials: BackstageCredentials): Promise<ResolvedCloud> {
    return resolveCloud(catalog, `resource:${req.params.namespace}/${req.params.name}`, credentials, 'path');
  }

  /** A host row as the routes answer it: with its catalog entity, named as enroll names it. */
  const withEntityRef = (cloud: ResolvedCloud) => (h: ComputeHostStatus): ComputeHostStatus => ({
    ...h,
    entityRef: hostEntityRef(cloud.ref, cloud.cloudKey, h.host),
  });

  // the names a new cloud's spec may give as chartSource.name (the form's chart source picker):
  // names only, the URLs and CAs stay in the backend's configuration
  router.get('/chart-sources', async (req, res) => {
    await authorize(req, openstackCloudCreatePermission);
    res.json({ items: options.chartSources.names().map(name => ({ name })) });
  });

  router.get('/clouds', async (req, res) => {
    const credentials = await authorize(req, openstackCloudReadPermission);
    const { items } = await catalog.getEntities(
      { filter: { kind: 'Resource', 'spec.type': OPENSTACK_CLOUD_TYPE } },
      { credentials },
    );
    const clouds: CloudListItem[] = items.map(e => ({
      cloudRef: stringifyCloudRef(`resource:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`),
      title: e.metadata.title,
      cloudKey: e.metadata.annotations?.[ANNOTATION_OPENSTACK_CLOUD],
      cluster: e.metadata.annotations?.[ANNOTATION_OPENSTACK_CLUSTER],
      namespace: e.metadata.annotations?.[ANNOTATION_OPENSTACK_NAMESPACE],
    }));
    res.json({ items: clouds });
  });

  /**
   * The cloud a read route names, if the caller may read it: the permission decision and the
   * catalog resolution, both with the caller's credentials, asked at once and remembered per
   * caller for a few seconds (CloudReadAccess).
   */
  async function readableCloudOf(req: express.Request): Promise<ResolvedCloud> {
    const credentials = await httpAuth.credentials(req);
    return readAccess.resolve(credentials, openstackCloudReadPermission, `resource:${req.params.namespace}/${req.params.name}`, 'path');
  }
  /**
   * Sends a serialized answer; gzipped from its cache when the client takes gzip (the root
   * router's compression then leaves it as it is), so a warm read compresses nothing.
   */
  function sendJson(req: express.Request, res: express.Response, answer: SerializedAnswer) {
    res.type('json');
    if (answer.json.length >= 1024 && req.acceptsEncodings('gzip') === 'gzip') {
      res.vary('Accept-Encoding').set('Content-Encoding', 'gzip').send(answer.gzip());
    } else {
      res.send(answer.json);
    }
  }

  router.get('/clouds/:namespace/:name/status', async (req, res) => {
    const cloud = await readableCloudOf(req);
    const view = await status.view(cloud, { refresh: req.query.refresh === 'true' });
    sendJson(req, res, viewJson.get(view, 'status', () => view.status));
  });

  router.get('/clouds/:namespace/:name/hosts', async (req, res) => {
    const cloud = await readableCloudOf(req);
    const { refresh, ...q } = parse(hostsQuery, req.query, 'query');
    const view = await status.view(cloud, { refresh: refresh === 'true' });
    // the page, serialized once per view: the key names all it depends on (rows carry entity
    // refs named from the cloud's ref and key)
    const key = JSON.stringify(['hosts', cloud.entityRef, cloud.cloudKey, q.filter, q.search, q.sort, q.order, q.offset, q.limit]);
    sendJson(
      req,
      res,
      viewJson.get(view, key, () => {
        const page = queryHosts(view.hosts, q);
        return { ...page, items: page.items.map(withEntityRef(cloud)) };
      }),
    );
  });

  router.get('/clouds/:namespace/:name/hosts/:host', async (req, res) => {
    const cloud = await readableCloudOf(req);
    const view = await status.view(cloud);
    const host = view.hosts.find(h => h.host === req.params.host);
    if (!host) {
      throw new NotFoundError(`${cloud.entityRef} has no compute host "${req.params.host}" (openstack compute service list --service nova-compute)`);
    }
    res.json(withEntityRef(cloud)(host));
  });

  // the enroll form's zones and aggregates: a live cloud's Nova (os-availability-zone,
  // os-aggregates), a demo cloud's hosts
  router.get('/clouds/:namespace/:name/zones', async (req, res) => {
    const cloud = await readableCloudOf(req);
    const live = cloud.driver === 'live' ? options.liveZones?.(cloud.cloudKey) : undefined;
    res.json(live ? await live : zonesOfHosts((await status.view(cloud)).hosts));
  });

  router.get('/clouds/:namespace/:name/operations', async (req, res) => {
    const credentials = await authorize(req, openstackCloudReadPermission);
    const cloud = await cloudOf(req, credentials);
    res.json({ items: await listOperations(options, credentials, cloud.entityRef) });
  });

  // The demo cloud's operations: called by the scaffolder actions (service credentials), never
  // by users directly, so no template or approval can be bypassed from the browser.
  if (demo) {
    const serviceOnly = (req: express.Request) => httpAuth.credentials(req, { allow: ['service'] });
    /** The demo cloud the path names; a live cloud is refused before anything changes. */
    const demoCloudOf = async (req: express.Request) => {
      const cloud = await cloudOf(req, await serviceOnly(req));
      if (cloud.driver !== 'demo') {
        throw new InputError(
          `path: ${cloud.entityRef} is a live cloud (openstack.backstage.io/delivery: ${cloud.delivery ?? 'unset'}); only demo clouds (delivery: demo) change through /demo`,
        );
      }
      return cloud;
    };
    router.post('/demo/clouds', async (req, res) => {
      await serviceOnly(req);
      const body = parse(createBody, req.body, 'body');
      // a demo cloud never takes a live cloud's key or another catalog cloud's: it would shadow it
      const holders = await cloudKeyHolders(catalog, body.name, await options.auth.getOwnServiceCredentials(), options.liveCloudKeys);
      if (holders.length) {
        throw new InputError(`body.name: "${body.name}" is already the key of ${holders.join(' and ')}. Pick another name`);
      }
      const state = await demo.createCloud(body);
      res.status(201).json({ name: state.name, createdAt: state.createdAt });
    });
    // by cloud key: the create action waits for its new cloud before the cloud's entity exists
    router.get('/demo/clouds/:cloudKey/status', async (req, res) => {
      await serviceOnly(req);
      const { cloudKey } = req.params;
      if (!(await demo.has(cloudKey))) {
        throw new NotFoundError(`The demo store has no cloud "${cloudKey}"; create it with POST /demo/clouds`);
      }
      res.json((await demo.read(cloudKey)).status);
    });
    router.post('/demo/clouds/:namespace/:name/upgrade', async (req, res) => {
      const cloud = await demoCloudOf(req);
      const body = parse(upgradeBody, req.body, 'body');
      const state = await demo.startUpgrade(cloud.cloudKey, body.to, body.order, body.stepSeconds);
      await status.invalidate(cloud);
      res.json({ name: state.name, upgrade: state.upgrade ?? null, release: state.release });
    });
    router.post('/demo/clouds/:namespace/:name/hosts', async (req, res) => {
      const cloud = await demoCloudOf(req);
      const body = parse(enrollBody, req.body, 'body');
      await demo.enrollHost(cloud.cloudKey, body);
      await status.invalidate(cloud);
      res.status(202).json({ host: body.host });
    });
  }

  return router;
}
