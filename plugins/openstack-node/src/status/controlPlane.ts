import {
  controlPlaneServiceOf,
  releaseFromImage,
  ServiceWorkload,
} from '@backstage-openstack/plugin-openstack-common';
import { LiveWorkload } from '../kubernetes/workloads';

const KIND_ORDER = { Deployment: 0, StatefulSet: 1, DaemonSet: 2, Job: 3 };

/**
 * The control-plane services' workloads among what {@link readLiveWorkloads} read: each
 * openstack-helm workload under the service its `application` label names (`openvswitch`
 * counts as `ovn`; other applications are left out), with the release its image implies, by
 * service, kind and name.
 *
 * @public
 */
export function controlPlaneWorkloads(
  workloads: readonly LiveWorkload[],
): ServiceWorkload[] {
  const out: ServiceWorkload[] = [];
  for (const w of workloads) {
    const service = controlPlaneServiceOf(w.chart);
    if (!service) continue;
    out.push({
      service,
      kind: w.kind,
      name: w.name,
      component: w.component,
      ready: w.ready,
      desired: w.desired,
      restarts: w.restarts,
      imageTag: w.image,
      release: w.image ? releaseFromImage(w.image) : undefined,
      lastChange: w.lastChange,
    });
  }
  return out.sort(
    (a, b) =>
      a.service.localeCompare(b.service, 'en') ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      a.name.localeCompare(b.name, 'en'),
  );
}
