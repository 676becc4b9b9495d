import { ClusterClient, OpenStackClient } from '@backstage-openstack/plugin-openstack-node';
import { ComputeEnrollSettings } from '../computeEnrollSettings';
import { openLiveUpgrade } from '../actions/cloudUpgradeLive';
import { openLiveEnroll } from '../actions/computeEnrollLive';
import { LiveCreateDeps, openLiveCreate } from '../actions/cloudCreateLive';
import { openDemoCreate } from './demoCreate';
import { openDemoUpgrade } from './demoUpgrade';
import { openDemoEnroll } from './demoEnroll';
import { SuiteApi } from './suiteApi';
import { CloudDrivers } from './types';

/** What the live driver reaches: clusters, chart sources, OpenStack APIs and the enrollment settings. */
export interface LiveDriverDeps extends Pick<LiveCreateDeps, 'chartSources' | 'chartSourceCheck'> {
  /** The configured cluster of this name (kubernetes.clusterLocatorMethods); throws when unknown. */
  cluster: (name: string) => ClusterClient;
  /** The OpenStack client of `openstack.clouds.<key>`. */
  openstack: (cloudKey: string) => OpenStackClient;
  /** The enrollment settings of a cloud, or undefined when `openstack.clouds.<key>` is not configured. */
  enrollSettings: (cloudKey: string) => ComputeEnrollSettings | undefined;
}

/** The demo driver (effects in the backend's demo store) and the live driver (Kubernetes, OpenStack). */
export function createCloudDrivers(api: SuiteApi, live: LiveDriverDeps): CloudDrivers {
  return {
    demo: {
      kind: 'demo',
      openCreate: async (ctx, input) => openDemoCreate(api, ctx, input),
      openUpgrade: async (_ctx, cloud) => openDemoUpgrade(api, cloud),
      openEnroll: async (_ctx, cloud, input) => openDemoEnroll(api, cloud, input),
    },
    live: {
      kind: 'live',
      openCreate: (ctx, input) => openLiveCreate(ctx, live, input),
      openUpgrade: (ctx, cloud, input) => openLiveUpgrade(live.cluster, cloud, ctx.workspacePath, input.argocdNamespace),
      openEnroll: async (ctx, cloud, input) =>
        openLiveEnroll({ cluster: live.cluster, openstack: live.openstack, settings: live.enrollSettings }, ctx, cloud, input),
    },
  };
}
