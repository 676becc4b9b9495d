import { Namespace } from 'kubernetes-models/v1';
import { chartsFor } from '../charts/charts';
import type { ChartName } from '../charts/images';
import { CloudSpec, cloudNamespace } from '../spec/cloudSpec';
import { argoObjects, ARGOCD_SYNC_WAVE } from './argocd';
import { exposureObjects } from './exposure';
import { fluxObjects } from './flux';
import {
  KubernetesObject,
  labels,
  plain,
  RenderEntry,
  RenderSpec,
  toYaml,
} from './objects';
import { RequiredSecret, requiredSecretsFor } from './secrets';

/** The result of rendering a cloud. @public */
export interface RenderedCloud {
  objects: KubernetesObject[];
  /** One YAML file per object, stable paths, e.g. `flux/keystone-helmrelease.yaml`. */
  files: Array<{ path: string; content: string }>;
  requiredSecrets: RequiredSecret[];
}

/**
 * The objects of each delivery mode. The Flux and Argo CD models are ESM-only packages:
 * importing their classes at run time would break every CommonJS consumer of this package
 * (backend, scaffolder module), so the renderers use their types and the tests validate every
 * rendered object with the models' classes.
 * - `flux`: `fluxObjects` (flux.ts), committed to Git.
 * - `argocd`: `argoObjects` (argocd.ts), committed to Git: the parent Application (app-of-apps)
 *   and, under `argocd/apps/`, what it syncs (the children, the Namespace, the endpoints).
 * - `direct`: the Flux objects, applied straight to the named cluster (which runs Flux's source-
 *   and helm-controllers) instead of committed to Git.
 */
const DELIVERY_OBJECTS: Record<
  CloudSpec['delivery']['mode'],
  (spec: RenderSpec, charts: ChartName[], dir: string) => RenderEntry[]
> = {
  flux: fluxObjects,
  argocd: argoObjects,
  direct: fluxObjects,
};

/**
 * Where the charts come from, as the action resolved the spec's `chartSource.name` in the
 * backend's `openstack.chartSources`: the renderer never sees a URL a user typed. @public
 */
export interface RenderChartSource {
  /** A Helm repository (`https://`) or an OCI registry path (`oci://`). */
  url: string;
}

/**
 * Renders a cloud spec to Kubernetes objects, deterministically (same spec and source,
 * byte-identical files): the Namespace, the objects of the delivery mode (`DELIVERY_OBJECTS`),
 * and an Ingress (or Gateway API HTTPRoute) per public API (`exposureObjects`). `requiredSecrets`
 * names each Secret and its keys, never a value. `source` is the chart source the spec names,
 * resolved by the caller from configuration.
 *
 * @public
 */
export function renderCloud(
  cloud: CloudSpec,
  source: RenderChartSource,
): RenderedCloud {
  const spec: RenderSpec = {
    ...cloud,
    chartSource: { ...cloud.chartSource, url: source.url },
  };
  const charts = chartsFor(spec.components);
  const dir = spec.delivery.mode;
  // Argo CD: what the parent Application syncs lies under argocd/apps/, the Namespace first
  const argo = spec.delivery.mode === 'argocd';
  const synced = argo ? `${dir}/apps` : dir;
  const entries: RenderEntry[] = [
    [
      `${synced}/namespace.yaml`,
      plain(
        new Namespace({
          metadata: {
            name: cloudNamespace(spec),
            labels: labels(spec),
            ...(argo ? { annotations: { [ARGOCD_SYNC_WAVE]: '-1' } } : {}),
          },
        }),
      ),
    ],
    ...DELIVERY_OBJECTS[spec.delivery.mode](spec, charts, dir),
    // Argo CD: the endpoints in the wave after the last chart's
    ...exposureObjects(spec, charts, synced).map(([path, o]): RenderEntry =>
      argo
        ? [path, { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [ARGOCD_SYNC_WAVE]: String(charts.length) } } }]
        : [path, o],
    ),
  ];
  return {
    objects: entries.map(([, o]) => o),
    files: entries.map(([path, o]) => ({ path, content: toYaml(o) })),
    requiredSecrets: requiredSecretsFor(spec),
  };
}
