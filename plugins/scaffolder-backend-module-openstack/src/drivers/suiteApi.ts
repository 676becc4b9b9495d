import {
  CloudStatus,
  ComputeHostStatus,
  NewDemoCloud,
  OpenStackPluginApi,
} from '@backstage-openstack/plugin-openstack-common';
import { ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';

/** How the suite's API names a cloud: its ref, and its key (the demo store's name). */
export type SuiteCloud = Pick<ResolvedCloud, 'entityRef' | 'cloudKey'>;

/**
 * What the actions ask of the suite's own API (/api/openstack): the status of a cloud and its
 * hosts (both drivers), and the demo store's operations (where the demo driver's effects land).
 * The one seam between the actions and the backend client.
 */
export interface SuiteApi {
  /** The status of a cloud (read fresh). */
  status(cloud: SuiteCloud): Promise<CloudStatus>;
  /** The status of a demo cloud by its key: the create action waits on it before its entity exists. */
  demoStatus(cloudKey: string): Promise<CloudStatus>;
  /** Every compute host, page by page. */
  hosts(cloud: SuiteCloud): Promise<ComputeHostStatus[]>;
  host(cloud: SuiteCloud, host: string): Promise<ComputeHostStatus | undefined>;
  /** Creates a simulated cloud in the demo store (the body of `POST /demo/clouds`). */
  createDemoCloud(body: NewDemoCloud): Promise<unknown>;
  /** Rolls the demo cloud to `to`, chart by chart in `order` (the planner's steps); idempotent. */
  upgradeDemoCloud(cloud: SuiteCloud, body: { to: string; order: string[] }): Promise<unknown>;
  enrollDemoHost(cloud: SuiteCloud, body: { host: string; zone: string; aggregate?: string }): Promise<unknown>;
}

/**
 * The suite API over the one client of /api/openstack (`OpenStackPluginClient`): the routes name
 * a cloud by its cloud ref; only the create action's wait names a new demo cloud by its cloud key
 * (its entity does not exist yet). Reads are fresh (`refresh`), as an action acts on them.
 */
export function suiteApi(client: OpenStackPluginApi): SuiteApi {
  return {
    status: cloud => client.getStatus(cloud.entityRef, { refresh: true }),
    demoStatus: cloudKey => client.getDemoCloudStatus(cloudKey),
    hosts: cloud => client.listAllHosts(cloud.entityRef, { refresh: true }),
    host: (cloud, host) => client.findHost(cloud.entityRef, host, { refresh: true }),
    createDemoCloud: body => client.createDemoCloud(body),
    upgradeDemoCloud: (cloud, body) => client.startDemoUpgrade(cloud.entityRef, body),
    enrollDemoHost: (cloud, body) => client.enrollDemoHost(cloud.entityRef, body),
  };
}
