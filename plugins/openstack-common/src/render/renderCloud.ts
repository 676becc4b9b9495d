// The Flux and Argo CD models are ESM-only packages: importing their classes at run time would
// break every CommonJS consumer of this package (backend, scaffolder module). The renderer uses
// their types; the tests validate every rendered object with the models' classes.
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { IHelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease';
import type { IHelmRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository';
import type { IOCIRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository';
import { Namespace } from 'kubernetes-models/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { stringify } from 'yaml';
import { chartInfo, chartsFor } from '../charts/charts';
import { CHART_CREDENTIALS } from '../charts/credentials';
import type { ChartName } from '../charts/images';
import { CloudSpec, cloudNamespace } from '../spec/cloudSpec';
import { chartValues, HelmValues } from './values';

/** A rendered Kubernetes object (plain JSON, validated against its CRD/API schema). @public */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

/** A Secret that must exist before the charts install: its name and keys, never values. @public */
export interface RequiredSecret {
  name: string;
  namespace: string;
  keys: string[];
  /** Where each key goes, e.g. `keystone: endpoints.identity.auth.admin.password`. */
  usedBy: string[];
}

/** The result of rendering a cloud. @public */
export interface RenderedCloud {
  objects: KubernetesObject[];
  /** One YAML file per object, stable paths, e.g. `flux/keystone-helmrelease.yaml`. */
  files: Array<{ path: string; content: string }>;
  requiredSecrets: RequiredSecret[];
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'backstage-openstack' };

function labels(spec: CloudSpec, extra: Record<string, string> = {}) {
  return { ...MANAGED_BY, 'openstack.backstage.io/cloud': spec.name, ...extra };
}

/** A model instance of kubernetes-models, validated against its schema, as plain JSON. */
function plain<T>(model: { validate(): void }): T {
  model.validate();
  return JSON.parse(JSON.stringify(model)) as T;
}

/** A typed object of an ESM-only model package, as plain JSON. */
function typed<T extends { apiVersion: string; kind: string }>(
  obj: T,
): KubernetesObject {
  return JSON.parse(JSON.stringify(obj)) as KubernetesObject;
}

/** Sorted keys at every level, so YAML output does not depend on construction order. */
function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map(k => [k, sortDeep((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** YAML of one object: sorted keys, no line folding. @public */
export function toYaml(obj: unknown): string {
  return stringify(sortDeep(obj), { lineWidth: 0, sortMapEntries: true });
}

/** The Secrets every chart of the spec needs, merged by name. @public */
export function requiredSecretsFor(spec: CloudSpec): RequiredSecret[] {
  const ns = cloudNamespace(spec);
  const byName = new Map<string, RequiredSecret>();
  for (const chart of chartsFor(spec.components)) {
    for (const slot of CHART_CREDENTIALS[chart] ?? []) {
      const name = `${spec.name}-${slot.secret}`;
      const s = byName.get(name) ?? {
        name,
        namespace: ns,
        keys: [],
        usedBy: [],
      };
      if (!s.keys.includes(slot.key)) s.keys.push(slot.key);
      s.usedBy.push(`${chart}: ${slot.targetPath}`);
      byName.set(name, s);
    }
  }
  return [...byName.values()]
    .map(s => ({ ...s, keys: s.keys.sort(), usedBy: s.usedBy.sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function isOci(spec: CloudSpec) {
  return spec.chartSource.url.startsWith('oci://');
}

function ociUrl(spec: CloudSpec, chart: ChartName) {
  return `${spec.chartSource.url.replace(/\/+$/, '')}/${chart}`;
}

function fluxObjects(
  spec: CloudSpec,
  charts: ChartName[],
  dir: string,
): Array<[string, KubernetesObject]> {
  const ns = cloudNamespace(spec);
  const out: Array<[string, KubernetesObject]> = [];
  const repoName = `${spec.name}-openstack-helm`;
  if (!isOci(spec)) {
    out.push([
      `${dir}/openstack-helm-helmrepository.yaml`,
      typed<IHelmRepository>({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmRepository',
        metadata: { name: repoName, namespace: ns, labels: labels(spec) },
        spec: { url: spec.chartSource.url, interval: '1h' },
      }),
    ]);
  }
  charts.forEach((chart, i) => {
    if (isOci(spec)) {
      out.push([
        `${dir}/${chart}-ocirepository.yaml`,
        typed<IOCIRepository>({
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'OCIRepository',
          metadata: {
            name: `${spec.name}-${chart}`,
            namespace: ns,
            labels: labels(spec, { 'openstack.backstage.io/chart': chart }),
          },
          spec: {
            url: ociUrl(spec, chart),
            ref: { tag: spec.chartSource.version },
            interval: '1h',
            layerSelector: {
              mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
              operation: 'copy',
            },
          },
        }),
      ]);
    }
    // dependsOn: a service waits for the infrastructure charts and for the service before it in
    // CHART_ORDER; the infrastructure charts wait for nothing.
    const prevService = charts
      .slice(0, i)
      .filter(p => chartInfo(p).role !== 'infrastructure')
      .pop();
    const dependsOn =
      chartInfo(chart).role === 'infrastructure'
        ? []
        : [
            ...charts.filter(c => chartInfo(c).role === 'infrastructure'),
            ...(prevService ? [prevService] : []),
          ].map(p => ({
            name: `${spec.name}-${p}`,
          }));
    const valuesFrom = (CHART_CREDENTIALS[chart] ?? []).map(slot => ({
      kind: 'Secret' as const,
      name: `${spec.name}-${slot.secret}`,
      valuesKey: slot.key,
      targetPath: slot.targetPath,
    }));
    out.push([
      `${dir}/${chart}-helmrelease.yaml`,
      typed<IHelmRelease>({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: {
          name: `${spec.name}-${chart}`,
          namespace: ns,
          labels: labels(spec, { 'openstack.backstage.io/chart': chart }),
        },
        spec: {
          interval: '10m',
          releaseName: chart,
          ...(isOci(spec)
            ? {
                chartRef: {
                  kind: 'OCIRepository',
                  name: `${spec.name}-${chart}`,
                },
              }
            : {
                chart: {
                  spec: {
                    chart,
                    version: spec.chartSource.version,
                    sourceRef: { kind: 'HelmRepository', name: repoName },
                  },
                },
              }),
          ...(dependsOn.length ? { dependsOn } : {}),
          install: { remediation: { retries: 3 } },
          // Never roll back automatically: a database migration already ran.
          upgrade: { remediation: { retries: 0 } },
          values: chartValues(spec, chart) as any,
          ...(valuesFrom.length ? { valuesFrom } : {}),
        },
      }),
    ]);
  });
  return out;
}

/**
 * argocd-vault-plugin placeholder for one credential: `<path:<prefix>/<secret>#<key>>`. The
 * plugin resolves it in the repo server at sync time; Git and the Application hold only this.
 */
function placeholder(prefix: string, secret: string, key: string) {
  return `<path:${prefix}/${secret}#${key}>`;
}

function setPath(values: HelmValues, path: string, value: unknown) {
  const parts = path.split('.');
  let cur = values;
  for (const p of parts.slice(0, -1)) {
    if (!cur[p] || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as HelmValues;
  }
  cur[parts[parts.length - 1]] = value;
}

function argoObjects(
  spec: CloudSpec,
  charts: ChartName[],
  dir: string,
): Array<[string, KubernetesObject]> {
  if (spec.delivery.mode !== 'argocd') return [];
  const d = spec.delivery;
  const ns = cloudNamespace(spec);
  return charts.map((chart, i): [string, KubernetesObject] => {
    const values = JSON.parse(
      JSON.stringify(chartValues(spec, chart)),
    ) as HelmValues;
    for (const slot of CHART_CREDENTIALS[chart] ?? []) {
      setPath(
        values,
        slot.targetPath,
        placeholder(
          d.secretPathPrefix,
          `${spec.name}-${slot.secret}`,
          slot.key,
        ),
      );
    }
    const oci = isOci(spec);
    return [
      `${dir}/${chart}-application.yaml`,
      typed<IApplication>({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: `${spec.name}-${chart}`,
          namespace: d.argocdNamespace,
          labels: labels(spec, { 'openstack.backstage.io/chart': chart }),
          // Sync waves follow CHART_ORDER: an app-of-apps syncs each chart after the ones before.
          annotations: { 'argocd.argoproj.io/sync-wave': String(i) },
        },
        spec: {
          project: d.project,
          destination: { server: d.destinationServer, namespace: ns },
          source: {
            repoURL: oci ? ociUrl(spec, chart) : spec.chartSource.url,
            ...(oci ? {} : { chart }),
            targetRevision: spec.chartSource.version,
            plugin: {
              name: 'argocd-vault-plugin-helm',
              env: [
                { name: 'HELM_RELEASE_NAME', value: chart },
                { name: 'HELM_VALUES', value: toYaml(values) },
              ],
            },
          },
          syncPolicy: {
            automated: { prune: false, selfHeal: true },
            syncOptions: ['CreateNamespace=false'],
          },
        },
      }),
    ];
  });
}

function exposureObjects(
  spec: CloudSpec,
  charts: ChartName[],
  dir: string,
): Array<[string, KubernetesObject]> {
  const ns = cloudNamespace(spec);
  const out: Array<[string, KubernetesObject]> = [];
  for (const chart of charts) {
    for (const e of chartInfo(chart).publicEndpoints) {
      const host = `${e.host}.${spec.publicDomain}`;
      const name = `${spec.name}-${e.host}`;
      if (spec.exposure === 'ingress') {
        out.push([
          `${dir}/${e.host}-ingress.yaml`,
          plain(
            new Ingress({
              metadata: {
                name,
                namespace: ns,
                labels: labels(spec, { 'openstack.backstage.io/chart': chart }),
                ...(spec.tlsIssuer
                  ? {
                      annotations: {
                        'cert-manager.io/cluster-issuer': spec.tlsIssuer,
                      },
                    }
                  : {}),
              },
              spec: {
                ...(spec.ingressClassName
                  ? { ingressClassName: spec.ingressClassName }
                  : {}),
                rules: [
                  {
                    host,
                    http: {
                      paths: [
                        {
                          path: '/',
                          pathType: 'Prefix',
                          backend: {
                            service: {
                              name: e.service,
                              port: { number: e.port },
                            },
                          },
                        },
                      ],
                    },
                  },
                ],
                ...(spec.tlsIssuer
                  ? { tls: [{ hosts: [host], secretName: `${name}-tls` }] }
                  : {}),
              },
            }),
          ),
        ]);
      } else {
        // Gateway API has no typed model in the suite's dependencies; the object is plain
        // gateway.networking.k8s.io/v1 and the Gateway's listener terminates TLS.
        out.push([
          `${dir}/${e.host}-httproute.yaml`,
          {
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'HTTPRoute',
            metadata: {
              name,
              namespace: ns,
              labels: labels(spec, { 'openstack.backstage.io/chart': chart }),
            },
            spec: {
              parentRefs: [
                {
                  name: spec.gateway!.name,
                  ...(spec.gateway!.namespace
                    ? { namespace: spec.gateway!.namespace }
                    : {}),
                },
              ],
              hostnames: [host],
              rules: [{ backendRefs: [{ name: e.service, port: e.port }] }],
            },
          },
        ]);
      }
    }
  }
  return out;
}

/**
 * Renders a cloud spec to Kubernetes objects, deterministically (same spec, byte-identical files):
 * - `flux`: Namespace, the chart source (one HelmRepository, or one OCIRepository per chart for
 *   an `oci://` source) and one HelmRelease per chart with `dependsOn` in `CHART_ORDER`;
 *   credentials come from Secrets through `valuesFrom` with `targetPath`.
 * - `argocd`: Namespace and one Application per chart with `argocd.argoproj.io/sync-wave` in
 *   `CHART_ORDER`. Argo CD cannot read Helm values from a Secret, and openstack-helm charts render
 *   credentials into their own config Secrets at template time, so credentials must be Helm values:
 *   the Applications use the argocd-vault-plugin Helm plugin, and carry `<path:…#key>`
 *   placeholders the plugin resolves from the secret store at sync time.
 * - `direct`: the Flux objects, for applying straight to the named cluster (which runs Flux's
 *   source- and helm-controllers) instead of committing them to Git.
 * Plus an Ingress (or Gateway API HTTPRoute) per public API. `requiredSecrets` names each Secret
 * and its keys, never a value.
 *
 * @public
 */
export function renderCloud(spec: CloudSpec): RenderedCloud {
  const charts = chartsFor(spec.components);
  const ns = cloudNamespace(spec);
  const dir = spec.delivery.mode;
  const entries: Array<[string, KubernetesObject]> = [
    [
      `${dir}/namespace.yaml`,
      plain(new Namespace({ metadata: { name: ns, labels: labels(spec) } })),
    ],
    ...(spec.delivery.mode === 'argocd'
      ? argoObjects(spec, charts, dir)
      : fluxObjects(spec, charts, dir)),
    ...exposureObjects(spec, charts, dir),
  ];
  return {
    objects: entries.map(([, o]) => o),
    files: entries.map(([path, o]) => ({ path, content: toYaml(o) })),
    requiredSecrets: requiredSecretsFor(spec),
  };
}
