import { resolve } from 'node:path';
import { configKeyNames } from '@backstage-openstack/plugin-openstack-node/testUtils';

/** Keys this package reads that other packages declare, with their owner. */
const DECLARED_ELSEWHERE: Record<string, string> = {
  app: '@backstage/plugin-app-backend',
  baseUrl: '@backstage/plugin-app-backend',
  // backend.cache.store: is the cache service shared with other replicas
  backend: '@backstage/backend-defaults',
  cache: '@backstage/backend-defaults',
  store: '@backstage/backend-defaults',
};

describe('config.d.ts of the openstack backend', () => {
  const { declared, read } = configKeyNames(resolve(__dirname, '..'));

  it('declares only keys the package reads', () => {
    expect(declared.length).toBeGreaterThan(3);
    expect(declared.filter(k => !read.includes(k))).toEqual([]);
  });

  it('reads only keys it or their owner declares', () => {
    expect(
      read.filter(k => !declared.includes(k) && !DECLARED_ELSEWHERE[k]),
    ).toEqual([]);
  });
});
