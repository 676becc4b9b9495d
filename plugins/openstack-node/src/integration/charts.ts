/*
 * The real openstack-helm charts for the integration tests: the vendored charts
 * (third_party/openstack-helm) rendered by the real `helm template` (BSO_HELM in peers.env), with
 * exactly the values a rendered cloud's HelmReleases or Applications carry.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  argocdCredentialParameters,
  ChartName,
  chartsFor,
  CloudSpec,
  KubernetesObject,
  parkedApplication,
  OPENSTACK_COMPONENTS,
  RequiredSecret,
} from '@backstage-openstack/plugin-openstack-common';
import { randomCredential } from '../kubernetes/apply';
import { peerEnv } from './peers';

const run = promisify(execFile);
const VENDORED = path.resolve(
  // integration-test support, only ever run from the source tree by jest.integration.config.js
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../..',
  'third_party/openstack-helm',
);

export type Credentials = Map<string, Record<string, string>>;

/** One random value per key of every Secret the cloud needs, as the create action makes them. */
export function generateCredentials(required: RequiredSecret[]): Credentials {
  return new Map(
    required.map(s => [
      s.name,
      Object.fromEntries(s.keys.map(k => [k, randomCredential()])),
    ]),
  );
}

function credential(
  creds: Credentials,
  secret: string,
  key: string,
  where: string,
): string {
  const value = creds.get(secret)?.[key];
  if (value === undefined)
    throw new Error(
      `${where} reads ${secret}#${key}, which is not among the cloud's required Secrets`,
    );
  return value;
}

function setPath(values: Record<string, any>, dotted: string, value: unknown) {
  const parts = dotted.split('.');
  let cur = values;
  for (const p of parts.slice(0, -1)) {
    if (!cur[p] || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p];
  }
  cur[parts[parts.length - 1]] = value;
}

/** What one chart install of a rendered cloud asks Helm for. */
export interface ChartRender {
  via: string;
  chart: string;
  version: string;
  releaseName: string;
  namespace: string;
  values: Record<string, unknown>;
}

const lastSegment = (url: string) => url.replace(/\/+$/, '').split('/').pop()!;

/** The chart installs a rendered cloud carries: its HelmReleases, or its Applications. */
export function chartRenders(
  objects: KubernetesObject[],
  creds: Credentials,
  cloud: CloudSpec,
): ChartRender[] {
  const ociRepos = new Map(
    objects
      .filter(o => o.kind === 'OCIRepository')
      .map(o => [o.metadata.name, o.spec as any]),
  );
  const out: ChartRender[] = [];
  for (const o of objects) {
    const spec = o.spec as any;
    const via = `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
    if (o.kind === 'HelmRelease') {
      let chart: string;
      let version: string;
      if (spec.chartRef) {
        const repo = ociRepos.get(spec.chartRef.name);
        if (!repo) throw new Error(`${via}: chartRef names no OCIRepository`);
        chart = lastSegment(repo.url);
        version = repo.ref.tag;
      } else {
        chart = spec.chart.spec.chart;
        version = spec.chart.spec.version;
      }
      const values = structuredClone(spec.values ?? {});
      for (const from of spec.valuesFrom ?? []) {
        if (from.kind !== 'Secret' || !from.targetPath)
          throw new Error(
            `${via}: valuesFrom ${JSON.stringify(
              from,
            )} is not a Secret key with a targetPath, which this test resolves`,
          );
        setPath(
          values,
          from.targetPath,
          credential(creds, from.name, from.valuesKey ?? 'values.yaml', via),
        );
      }
      out.push({
        via,
        chart,
        version,
        releaseName: spec.releaseName ?? o.metadata.name,
        namespace: spec.targetNamespace ?? o.metadata.namespace!,
        values,
      });
    } else if (o.kind === 'Application' && o.metadata.labels?.['openstack.backstage.io/chart']) {
      // a child as the create action parks it: its credentials as Helm parameters, read from
      // the cloud's Secrets (argocdCredentialParameters), over the values Git carries
      const chart = o.metadata.labels['openstack.backstage.io/chart'] as ChartName;
      const parked = parkedApplication(
        o,
        argocdCredentialParameters(cloud, chart, (secret, key) =>
          credential(creds, secret, key, via),
        ),
      ) as KubernetesObject & { spec: any };
      const source = parked.spec.source;
      const values = structuredClone(source.helm?.valuesObject ?? {});
      for (const p of source.helm?.parameters ?? []) setPath(values, p.name, p.value);
      out.push({
        via,
        chart: source.chart ?? lastSegment(source.repoURL),
        version: source.targetRevision,
        releaseName: source.helm?.releaseName ?? o.metadata.name,
        namespace: parked.spec.destination.namespace,
        values,
      });
    }
  }
  return out;
}

/** A private copy of the vendored charts, helm-toolkit packaged into each, and the real helm. */
export class RealCharts {
  private constructor(
    readonly helm: string,
    /** The vendored chart version. */
    readonly version: string,
    private readonly work: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async prepare(): Promise<RealCharts> {
    const helm = peerEnv('BSO_HELM');
    if (!fs.existsSync(helm))
      throw new Error(
        `BSO_HELM=${helm} does not exist: build it with scripts/peers/prepare.sh (or up.sh)`,
      );
    for (const chart of ['helm-toolkit', ...chartsFor(OPENSTACK_COMPONENTS)])
      if (!fs.existsSync(path.join(VENDORED, chart, 'Chart.yaml')))
        throw new Error(
          `${VENDORED}/${chart} is missing: the vendored openstack-helm charts are incomplete (see third_party/README.md)`,
        );
    const version = parse(
      fs.readFileSync(
        path.join(VENDORED, 'helm-toolkit', 'Chart.yaml'),
        'utf8',
      ),
    ).version;
    // a private copy with helm-toolkit packaged into each chart: the vendored tree stays untouched
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bso-helm-'));
    const env = {
      ...process.env,
      HELM_CACHE_HOME: path.join(work, 'cache'),
      HELM_CONFIG_HOME: path.join(work, 'config'),
      HELM_DATA_HOME: path.join(work, 'data'),
    };
    fs.cpSync(VENDORED, path.join(work, 'charts'), { recursive: true });
    await run(helm, ['package', 'helm-toolkit', '-d', 'pkg'], {
      cwd: path.join(work, 'charts'),
      env,
    });
    const toolkit = fs.readdirSync(path.join(work, 'charts', 'pkg'))[0];
    for (const chart of chartsFor(OPENSTACK_COMPONENTS)) {
      fs.mkdirSync(path.join(work, 'charts', chart, 'charts'), {
        recursive: true,
      });
      fs.copyFileSync(
        path.join(work, 'charts', 'pkg', toolkit),
        path.join(work, 'charts', chart, 'charts', toolkit),
      );
    }
    return new RealCharts(helm, version, work, env);
  }

  close() {
    fs.rmSync(this.work, { recursive: true, force: true });
  }

  /** `helm template` of one chart install; `valuesFile` names a scratch file of this worker. */
  async template(
    r: ChartRender,
    valuesFile: string,
  ): Promise<KubernetesObject[]> {
    const file = path.join(this.work, valuesFile);
    fs.writeFileSync(file, stringify(r.values), { mode: 0o600 });
    try {
      const { stdout } = await run(
        this.helm,
        [
          'template',
          r.releaseName,
          path.join(this.work, 'charts', r.chart),
          '--namespace',
          r.namespace,
          '--values',
          file,
          // `helm test` Pods: neither helm-controller (test.enable defaults to false) nor Argo CD
          // creates them
          '--skip-tests',
        ],
        { env: this.env, maxBuffer: 256 * 1024 * 1024 },
      );
      // YAML 1.1, as Kubernetes reads it: `defaultMode: 0555` is octal there, decimal in 1.2
      const docs = parseAllDocuments(stdout, { version: '1.1' }).filter(
        d => d.contents !== null,
      );
      const broken = docs.find(d => d.errors.length > 0);
      if (broken)
        throw new Error(`output is not YAML: ${broken.errors[0].message}`);
      // a document of only comments (a template that rendered nothing) is null
      return docs
        .map(d => d.toJS() as KubernetesObject | null)
        .filter((o): o is KubernetesObject => o !== null);
    } catch (e: any) {
      // helm's own message (stderr), never its output: that carries the credentials
      throw new Error(
        `helm template of ${r.chart} for ${r.via} failed: ${
          e.stderr?.trim() || e.message
        }`,
      );
    } finally {
      fs.rmSync(file, { force: true });
    }
  }
}
