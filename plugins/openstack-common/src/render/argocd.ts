// Argo CD delivery: one Application per chart, credentials as argocd-vault-plugin placeholders.
// The Argo CD model is an ESM-only package: the renderer uses its type only (see renderCloud.ts).
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { CHART_CREDENTIALS } from '../charts/credentials';
import type { ChartName } from '../charts/images';
import { chartObjectName } from '../cloudRef';
import { CloudSpec, cloudNamespace } from '../spec/cloudSpec';
import { chartObjectMeta, isOci, ociUrl, RenderEntry, RenderSpec, toYaml, typed } from './objects';
import { chartValues, HelmValues } from './values';

type ArgoDelivery = Extract<CloudSpec['delivery'], { mode: 'argocd' }>;

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

/** The chart's Helm values with every credential a placeholder. */
function valuesWithPlaceholders(
  spec: CloudSpec,
  d: ArgoDelivery,
  chart: ChartName,
): HelmValues {
  const values = JSON.parse(
    JSON.stringify(chartValues(spec, chart)),
  ) as HelmValues;
  for (const slot of CHART_CREDENTIALS[chart] ?? []) {
    setPath(
      values,
      slot.targetPath,
      placeholder(
        d.secretPathPrefix,
        chartObjectName(spec.name, slot.secret),
        slot.key,
      ),
    );
  }
  return values;
}

/** The Application of the i-th chart; its sync wave is its place in CHART_ORDER. */
function application(
  spec: RenderSpec,
  d: ArgoDelivery,
  chart: ChartName,
  i: number,
  dir: string,
): RenderEntry {
  const oci = isOci(spec);
  return [
    `${dir}/${chart}-application.yaml`,
    typed<IApplication>({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        ...chartObjectMeta(spec, chart, d.argocdNamespace),
        // Sync waves follow CHART_ORDER: an app-of-apps syncs each chart after the ones before.
        annotations: { 'argocd.argoproj.io/sync-wave': String(i) },
      },
      spec: {
        project: d.project,
        destination: {
          server: d.destinationServer,
          namespace: cloudNamespace(spec),
        },
        source: {
          repoURL: oci ? ociUrl(spec, chart) : spec.chartSource.url,
          ...(oci ? {} : { chart }),
          targetRevision: spec.chartSource.version,
          plugin: {
            name: 'argocd-vault-plugin-helm',
            env: [
              { name: 'HELM_RELEASE_NAME', value: chart },
              {
                name: 'HELM_VALUES',
                value: toYaml(valuesWithPlaceholders(spec, d, chart)),
              },
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
}

/**
 * The Argo CD objects of a cloud: one Application per chart with `argocd.argoproj.io/sync-wave`
 * in `CHART_ORDER`. Argo CD cannot read Helm values from a Secret, and openstack-helm charts
 * render credentials into their own config Secrets at template time, so credentials must be Helm
 * values: the Applications use the argocd-vault-plugin Helm plugin, and carry `<path:…#key>`
 * placeholders the plugin resolves from the secret store at sync time.
 */
export function argoObjects(
  spec: RenderSpec,
  charts: ChartName[],
  dir: string,
): RenderEntry[] {
  const d = spec.delivery;
  if (d.mode !== 'argocd') return [];
  return charts.map((chart, i) => application(spec, d, chart, i, dir));
}
