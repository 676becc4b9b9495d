// Flux delivery (also what `direct` applies): the chart source and one HelmRelease per chart.
// The Flux models are ESM-only packages: the renderer uses their types only (see renderCloud.ts).
import type { IHelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease';
import type { IHelmRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository';
import type { IOCIRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository';
import { chartInfo } from '../charts/charts';
import { CHART_CREDENTIALS } from '../charts/credentials';
import type { ChartName } from '../charts/images';
import { chartObjectName } from '../cloudRef';
import { CloudSpec, cloudNamespace } from '../spec/cloudSpec';
import {
  chartObjectMeta,
  isOci,
  labels,
  ociUrl,
  RenderEntry,
  RenderSpec,
  typed,
} from './objects';
import { chartValues } from './values';

/**
 * A Flux object of one chart with the chart's metadata, in `<dir>/<chart>-<kind>.yaml`
 * (kind in lower case, e.g. `keystone-helmrelease.yaml`).
 */
function chartEntry<T extends { apiVersion: string; kind: string }>(
  spec: CloudSpec,
  chart: ChartName,
  dir: string,
  obj: Omit<T, 'metadata'>,
): RenderEntry {
  return [
    `${dir}/${chart}-${obj.kind.toLowerCase()}.yaml`,
    typed<T>({
      ...obj,
      metadata: chartObjectMeta(spec, chart),
    } as unknown as T),
  ];
}

/** The one HelmRepository of an HTTP chart source. */
function helmRepository(spec: RenderSpec, dir: string): RenderEntry {
  return [
    `${dir}/openstack-helm-helmrepository.yaml`,
    typed<IHelmRepository>({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: {
        name: `${spec.name}-openstack-helm`,
        namespace: cloudNamespace(spec),
        labels: labels(spec),
      },
      spec: { url: spec.chartSource.url, interval: '1h' },
    }),
  ];
}

/** The OCIRepository of one chart of an `oci://` source. */
function ociRepository(
  spec: RenderSpec,
  chart: ChartName,
  dir: string,
): RenderEntry {
  return chartEntry<IOCIRepository>(spec, chart, dir, {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'OCIRepository',
    spec: {
      url: ociUrl(spec, chart),
      ref: { tag: spec.chartSource.version },
      interval: '1h',
      layerSelector: {
        mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
        operation: 'copy',
      },
    },
  });
}

/**
 * dependsOn of the i-th chart: a service waits for the infrastructure charts and for the service
 * before it in CHART_ORDER; the infrastructure charts wait for nothing.
 */
function dependsOn(spec: CloudSpec, charts: ChartName[], i: number) {
  const chart = charts[i];
  if (chartInfo(chart).role === 'infrastructure') return [];
  const prevService = charts
    .slice(0, i)
    .filter(p => chartInfo(p).role !== 'infrastructure')
    .pop();
  return [
    ...charts.filter(c => chartInfo(c).role === 'infrastructure'),
    ...(prevService ? [prevService] : []),
  ].map(p => ({
    name: chartObjectName(spec.name, p),
  }));
}

/** The chart's credentials, from the cloud's Secrets. */
function valuesFrom(spec: CloudSpec, chart: ChartName) {
  return (CHART_CREDENTIALS[chart] ?? []).map(slot => ({
    kind: 'Secret' as const,
    name: chartObjectName(spec.name, slot.secret),
    valuesKey: slot.key,
    targetPath: slot.targetPath,
  }));
}

/** The HelmRelease of the i-th chart. */
function helmRelease(
  spec: RenderSpec,
  charts: ChartName[],
  i: number,
  dir: string,
): RenderEntry {
  const chart = charts[i];
  const deps = dependsOn(spec, charts, i);
  const from = valuesFrom(spec, chart);
  return chartEntry<IHelmRelease>(spec, chart, dir, {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    spec: {
      interval: '10m',
      releaseName: chart,
      ...(isOci(spec)
        ? {
            chartRef: {
              kind: 'OCIRepository',
              name: chartObjectName(spec.name, chart),
            },
          }
        : {
            chart: {
              spec: {
                chart,
                version: spec.chartSource.version,
                sourceRef: {
                  kind: 'HelmRepository',
                  name: `${spec.name}-openstack-helm`,
                },
              },
            },
          }),
      ...(deps.length ? { dependsOn: deps } : {}),
      install: { remediation: { retries: 3 } },
      // Never roll back automatically: a database migration already ran.
      upgrade: { remediation: { retries: 0 } },
      values: chartValues(spec, chart) as any,
      ...(from.length ? { valuesFrom: from } : {}),
    },
  });
}

/**
 * The Flux objects of a cloud: the chart source (one HelmRepository, or one OCIRepository per
 * chart for an `oci://` source) and one HelmRelease per chart with `dependsOn` in `CHART_ORDER`;
 * credentials come from Secrets through `valuesFrom` with `targetPath`.
 */
export function fluxObjects(
  spec: RenderSpec,
  charts: ChartName[],
  dir: string,
): RenderEntry[] {
  const out: RenderEntry[] = isOci(spec) ? [] : [helmRepository(spec, dir)];
  charts.forEach((chart, i) => {
    if (isOci(spec)) out.push(ociRepository(spec, chart, dir));
    out.push(helmRelease(spec, charts, i, dir));
  });
  return out;
}
