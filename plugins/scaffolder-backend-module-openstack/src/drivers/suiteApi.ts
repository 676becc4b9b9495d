import {
  CloudStatus,
  ComputeHostStatus,
} from '@backstage-openstack/plugin-openstack-common';
import { ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';
import { OpenStackBackend } from '../OpenStackBackend';

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
  createDemoCloud(body: Parameters<OpenStackBackend['createDemoCloud']>[0]): Promise<unknown>;
  /** Rolls the demo cloud to `to`, chart by chart in `order` (the planner's steps); idempotent. */
  upgradeDemoCloud(cloud: SuiteCloud, body: { to: string; order: string[] }): Promise<unknown>;
  enrollDemoHost(cloud: SuiteCloud, body: { host: string; zone: string; aggregate?: string }): Promise<unknown>;
}

/** The suite API over the backend client. */
export function suiteApi(backend: OpenStackBackend): SuiteApi {
  // the routes name a cloud by its key today; by its ref once they take refs
  const id = (cloud: SuiteCloud) => cloud.cloudKey;
  return {
    status: cloud => backend.status(id(cloud)),
    demoStatus: cloudKey => backend.status(cloudKey),
    hosts: cloud => backend.hosts(id(cloud)),
    host: (cloud, host) => backend.host(id(cloud), host),
    createDemoCloud: body => backend.createDemoCloud(body),
    upgradeDemoCloud: (cloud, body) => backend.startDemoUpgrade(id(cloud), body.to, body.order),
    enrollDemoHost: (cloud, body) => backend.enrollDemoHost(id(cloud), body),
  };
}
