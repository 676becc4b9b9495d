// What every renderer module shares: the object type, the labels the suite puts on what it
// writes, the model helpers and the deterministic YAML.
import { stringify } from 'yaml';
import { LABEL_OPENSTACK_CLOUD, MANAGED_BY_LABELS } from '../annotations';
import type { ChartName } from '../charts/images';
import { chartObjectName } from '../cloudRef';
import { CloudSpec, cloudNamespace } from '../spec/cloudSpec';

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

/** One rendered file: its path under the delivery's directory, and its object. */
export type RenderEntry = [string, KubernetesObject];

/** The labels of every object of a cloud: managed by the suite, the cloud's key, and `extra`. */
export function labels(spec: CloudSpec, extra: Record<string, string> = {}) {
  return { ...MANAGED_BY_LABELS, [LABEL_OPENSTACK_CLOUD]: spec.name, ...extra };
}

/**
 * The metadata of a chart's object (HelmRelease, source, Application): named
 * `<cloud>-<chart>`, labelled with the cloud and the chart, in `namespace` (default: the cloud's).
 */
export function chartObjectMeta(
  spec: CloudSpec,
  chart: ChartName,
  namespace: string = cloudNamespace(spec),
) {
  return {
    name: chartObjectName(spec.name, chart),
    namespace,
    labels: labels(spec, { 'openstack.backstage.io/chart': chart }),
  };
}

/** A model instance of kubernetes-models, validated against its schema, as plain JSON. */
export function plain<T>(model: { validate(): void }): T {
  model.validate();
  return JSON.parse(JSON.stringify(model)) as T;
}

/** A typed object of an ESM-only model package, as plain JSON. */
export function typed<T extends { apiVersion: string; kind: string }>(
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

/**
 * A spec as the renderer reads it: its chart source resolved to the URL the action looked up in
 * `openstack.chartSources` by the spec's `chartSource.name`.
 */
export type RenderSpec = CloudSpec & {
  chartSource: CloudSpec['chartSource'] & { url: string };
};

/** True for an `oci://` chart source. */
export function isOci(spec: RenderSpec) {
  return spec.chartSource.url.startsWith('oci://');
}

/** The OCI artifact of one chart of an `oci://` source. */
export function ociUrl(spec: RenderSpec, chart: string) {
  return `${spec.chartSource.url.replace(/\/+$/, '')}/${chart}`;
}
