import { resolve } from 'node:path';
import { configKeyNames } from './testUtils/configKeys';

/** Keys this package reads that other packages declare, with their owner. */
const DECLARED_ELSEWHERE: Record<string, string> = {
  // @backstage/plugin-kubernetes-backend: the clusters, read by kubernetes/clusters.ts
  kubernetes: '@backstage/plugin-kubernetes-backend',
  clusterLocatorMethods: '@backstage/plugin-kubernetes-backend',
  type: '@backstage/plugin-kubernetes-backend',
  clusters: '@backstage/plugin-kubernetes-backend',
  name: '@backstage/plugin-kubernetes-backend',
  url: '@backstage/plugin-kubernetes-backend',
  authProvider: '@backstage/plugin-kubernetes-backend',
  serviceAccountToken: '@backstage/plugin-kubernetes-backend',
  caFile: '@backstage/plugin-kubernetes-backend',
  skipTLSVerify: '@backstage/plugin-kubernetes-backend',
};

describe('config.d.ts of openstack-node', () => {
  // readOpenStackCloud reads through its str()/num() helpers
  const { declared, read } = configKeyNames(resolve(__dirname, '..'), [
    'str',
    'num',
  ]);

  it('declares only keys the package reads', () => {
    expect(declared.length).toBeGreaterThan(10);
    expect(declared.filter(k => !read.includes(k))).toEqual([]);
  });

  it('reads only keys it or their owner declares', () => {
    expect(
      read.filter(k => !declared.includes(k) && !DECLARED_ELSEWHERE[k]),
    ).toEqual([]);
  });
});
