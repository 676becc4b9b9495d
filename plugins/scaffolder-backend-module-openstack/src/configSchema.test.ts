import { resolve } from 'node:path';
import { configKeyNames } from '@backstage-openstack/plugin-openstack-node/testUtils';

/** Keys this package reads that other packages declare, with their owner. */
const DECLARED_ELSEWHERE: Record<string, string> = {
  app: '@backstage/plugin-app-backend',
  baseUrl: '@backstage/plugin-app-backend',
  authUrl: '@backstage-openstack/plugin-openstack-node',
  region: '@backstage-openstack/plugin-openstack-node',
  cluster: '@backstage-openstack/plugin-openstack-backend',
  namespace: '@backstage-openstack/plugin-openstack-backend',
};

describe('config.d.ts of the scaffolder module', () => {
  // computeEnrollSettings reads through its str()/oneOf()/num() helpers
  const { declared, read } = configKeyNames(resolve(__dirname, '..'), [
    'str',
    'oneOf',
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
