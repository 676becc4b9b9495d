import { resolve } from 'node:path';
import { configKeyNames } from './testUtils/configKeys';

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

  it('reads only keys it declares', () => {
    expect(
      read.filter(k => !declared.includes(k)),
    ).toEqual([]);
  });
});
