// Argo CD delivery: an app-of-apps. A parent Application points at the cloud's GitOps repository;
// one child Application per chart, in sync waves in the planner's order; credentials never in Git.
// The Argo CD model is an ESM-only package: the renderer uses its type only (see renderCloud.ts).
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { CHART_ORDER } from '../charts/charts';
import { CHART_CREDENTIALS } from '../charts/credentials';
import type { ChartName } from '../charts/images';
import { chartObjectName } from '../cloudRef';
import { CloudSpec, cloudNamespace } from '../spec/cloudSpec';
import { chartObjectMeta, isOci, KubernetesObject, labels, ociUrl, RenderEntry, RenderSpec, typed } from './objects';
import { chartValues } from './values';

type ArgoDelivery = Extract<CloudSpec['delivery'], { mode: 'argocd' }>;

/** Argo CD's annotation that stops it reconciling an Application (`"true"`) or not (`"false"`). @public */
export const ARGOCD_SKIP_RECONCILE = 'argocd.argoproj.io/skip-reconcile';
/** Argo CD's sync wave annotation. @public */
export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** The directory of the rendered files under `argocd/` that the parent Application syncs. */
const APPS_DIR = 'apps';

/**
 * Where a cloud's Argo CD files live in its GitOps repository: `<repositoryPath>/<namespace>`; the
 * parent Application syncs its `apps/` directory (the children, the Namespace, the endpoints).
 * The parent names its destination server, so the cluster is not part of the path. @public
 */
export function argocdRepositoryDir(spec: CloudSpec): string {
  if (spec.delivery.mode !== 'argocd') throw new Error(`${spec.name} is not delivered by Argo CD`);
  return `${spec.delivery.repositoryPath}/${cloudNamespace(spec)}`;
}

/** The name of a cloud's parent Application (app-of-apps): `<cloud>-apps`. @public */
export function argocdParentName(cloudKey: string): string {
  return chartObjectName(cloudKey, 'apps');
}

/** A chart's sync wave: its place in the planner's order (`CHART_ORDER`) among the cloud's charts. */
function syncWave(charts: ChartName[], chart: ChartName): number {
  return CHART_ORDER.filter(c => charts.includes(c)).indexOf(chart);
}

/** The child Application of one chart: non-secret values only, in its sync wave, reconciled. */
function child(spec: RenderSpec, d: ArgoDelivery, charts: ChartName[], chart: ChartName, dir: string): RenderEntry {
  const oci = isOci(spec);
  return [
    `${dir}/${APPS_DIR}/${chart}-application.yaml`,
    typed<IApplication>({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        ...chartObjectMeta(spec, chart, d.argocdNamespace),
        annotations: {
          [ARGOCD_SYNC_WAVE]: String(syncWave(charts, chart)),
          // Git says "reconcile": the create action parks the live Application ("true") with its
          // credentials before the pull request merges; the parent's sync wakes it up
          [ARGOCD_SKIP_RECONCILE]: 'false',
        },
      },
      spec: {
        project: d.project,
        destination: { server: d.destinationServer, namespace: cloudNamespace(spec) },
        source: {
          repoURL: oci ? ociUrl(spec, chart) : spec.chartSource.url,
          ...(oci ? {} : { chart }),
          targetRevision: spec.chartSource.version,
          helm: { releaseName: chart, valuesObject: chartValues(spec, chart) as any },
        },
        syncPolicy: {
          automated: { prune: false, selfHeal: true },
          syncOptions: ['CreateNamespace=false'],
        },
      },
    }),
  ];
}

/**
 * The parent Application: syncs `<argocdRepositoryDir>/apps` of the cloud's GitOps repository at
 * its revision. It leaves alone what the create action sets on the live children and Git never
 * holds: their credentials (`spec.source.helm.parameters`), kept by `RespectIgnoreDifferences`.
 */
function parent(spec: RenderSpec, d: ArgoDelivery, dir: string): RenderEntry {
  return [
    `${dir}/${argocdParentName(spec.name)}-application.yaml`,
    typed<IApplication>({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: argocdParentName(spec.name),
        namespace: d.argocdNamespace,
        labels: labels(spec, { 'openstack.backstage.io/app-of-apps': 'true' }),
      },
      spec: {
        project: d.project,
        destination: { server: d.destinationServer, namespace: d.argocdNamespace },
        source: {
          repoURL: d.repoUrl,
          path: `${argocdRepositoryDir(spec)}/${APPS_DIR}`,
          targetRevision: d.revision,
        },
        ignoreDifferences: [
          { group: 'argoproj.io', kind: 'Application', jsonPointers: ['/spec/source/helm/parameters'] },
        ],
        syncPolicy: {
          automated: { prune: false, selfHeal: true },
          syncOptions: ['RespectIgnoreDifferences=true', 'CreateNamespace=false'],
        },
      },
    }),
  ];
}

/**
 * The Argo CD objects of a cloud: the parent Application (app-of-apps) and one child Application
 * per chart with `argocd.argoproj.io/sync-wave` in the planner's order (`CHART_ORDER`). Argo CD
 * cannot read Helm values from a Secret and openstack-helm renders credentials into its own
 * config Secrets at template time, so credentials must be Helm values: the children carry none;
 * the create action sets them on the live Applications (`argocdCredentialParameters`), never in
 * Git. Paths: the parent at `argocd/`, the rest under `argocd/apps/`.
 */
export function argoObjects(spec: RenderSpec, charts: ChartName[], dir: string): RenderEntry[] {
  const d = spec.delivery;
  if (d.mode !== 'argocd') return [];
  return [parent(spec, d, dir), ...charts.map(chart => child(spec, d, charts, chart, dir))];
}

/** One Helm parameter of an Argo CD Application. @public */
export interface ArgocdHelmParameter {
  name: string;
  value: string;
  forceString: true;
}

/**
 * The credentials of a chart as Helm parameters of its live Application
 * (`--set-string <targetPath>=<value>`), read from the cloud's credential Secrets by `secretValue` (the Secret's
 * name, the key). The values go to the cluster only, never to a file. A value Helm's `--set`
 * parser would split or unescape (a backslash, a line break) is refused. @public
 */
export function argocdCredentialParameters(
  spec: CloudSpec,
  chart: ChartName,
  secretValue: (secretName: string, key: string) => string,
): ArgocdHelmParameter[] {
  return (CHART_CREDENTIALS[chart] ?? []).map(slot => {
    const secret = chartObjectName(spec.name, slot.secret);
    const value = secretValue(secret, slot.key);
    if (/[\\\r\n]/.test(value))
      throw new Error(
        `Secret ${cloudNamespace(spec)}/${secret} key ${slot.key} holds a backslash or a line break, which Helm's --set-string would alter; replace the value`,
      );
    return { name: slot.targetPath, value, forceString: true as const };
  });
}

/**
 * A rendered child Application parked: Argo CD does not reconcile it (`skip-reconcile: "true"`)
 * and it carries its credentials as Helm parameters. The create action applies it before the pull
 * request merges; the parent's sync of the Git version (`"false"`, no parameters) wakes it up in
 * its wave and keeps the parameters. @public
 */
export function parkedApplication(app: KubernetesObject, parameters: ArgocdHelmParameter[]): KubernetesObject {
  const copy = JSON.parse(JSON.stringify(app)) as KubernetesObject & { spec: any };
  copy.metadata.annotations = { ...copy.metadata.annotations, [ARGOCD_SKIP_RECONCILE]: 'true' };
  copy.spec.source.helm = { ...copy.spec.source.helm, parameters };
  return copy;
}
