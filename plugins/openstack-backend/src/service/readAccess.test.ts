import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { openstackCloudReadPermission } from '@backstage-openstack/plugin-openstack-common';
import { CloudReadAccess } from './readAccess';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'prod',
    namespace: 'default',
    annotations: { 'openstack.backstage.io/cloud': 'prod' },
  },
  spec: { type: 'openstack-cloud', owner: 'group:default/platform-team' },
};

function setup(result: AuthorizeResult = AuthorizeResult.ALLOW) {
  let clock = 1_000_000;
  const decision: { result: AuthorizeResult } = { result };
  const permissions = {
    authorize: jest.fn(async () => [decision]),
    authorizeConditional: jest.fn(),
  };
  const catalog = {
    getEntityByRef: jest.fn(async (ref: string) =>
      ref === 'resource:default/prod' ? entity : undefined,
    ),
  };
  const access = new CloudReadAccess(
    permissions as any,
    catalog as any,
    5_000,
    () => clock,
  );
  const resolve = (
    who: BackstageCredentials = mockCredentials.user('user:default/alice'),
    ref = 'resource:default/prod',
  ) => access.resolve(who, openstackCloudReadPermission, ref, 'path');
  return {
    permissions,
    catalog,
    decision,
    resolve,
    tick: (ms: number) => {
      clock += ms;
    },
  };
}

describe('CloudReadAccess', () => {
  it("asks the permission and the catalog with the caller's credentials, and remembers the answer per caller for the TTL", async () => {
    const s = setup();
    const alice = mockCredentials.user('user:default/alice');
    expect(await s.resolve(alice)).toMatchObject({
      cloudKey: 'prod',
      driver: 'live',
      entityRef: 'resource:default/prod',
    });
    expect(s.permissions.authorize).toHaveBeenCalledWith(
      [{ permission: openstackCloudReadPermission }],
      { credentials: alice },
    );
    expect(s.catalog.getEntityByRef).toHaveBeenCalledWith(
      'resource:default/prod',
      { credentials: alice },
    );
    await s.resolve(alice);
    expect(s.permissions.authorize).toHaveBeenCalledTimes(1);
    // another caller is asked for
    await s.resolve(mockCredentials.user('user:default/bob'));
    expect(s.permissions.authorize).toHaveBeenCalledTimes(2);
    // past the TTL, asked again: a revoked permission takes effect
    s.tick(5_000);
    s.decision.result = AuthorizeResult.DENY;
    await expect(s.resolve(alice)).rejects.toThrow(NotAllowedError);
    expect(s.permissions.authorize).toHaveBeenCalledTimes(3);
  });

  it('a refusal wins over the catalog answer and is never remembered', async () => {
    const s = setup(AuthorizeResult.DENY);
    // no 404 for a caller without the permission: it learns nothing of the cloud
    await expect(s.resolve(undefined, 'resource:default/nope')).rejects.toThrow(
      'Permission openstack.cloud.read is required',
    );
    await expect(s.resolve()).rejects.toThrow(NotAllowedError);
    s.decision.result = AuthorizeResult.ALLOW;
    expect(await s.resolve()).toMatchObject({ cloudKey: 'prod' });
    expect(s.permissions.authorize).toHaveBeenCalledTimes(3);
  });

  it('a cloud the catalog does not show is not remembered either', async () => {
    const s = setup();
    await expect(s.resolve(undefined, 'resource:default/nope')).rejects.toThrow(
      NotFoundError,
    );
    await expect(s.resolve(undefined, 'resource:default/nope')).rejects.toThrow(
      NotFoundError,
    );
    expect(s.catalog.getEntityByRef).toHaveBeenCalledTimes(2);
  });

  it('anonymous callers are asked for every time', async () => {
    const s = setup();
    await s.resolve(mockCredentials.none());
    await s.resolve(mockCredentials.none());
    expect(s.permissions.authorize).toHaveBeenCalledTimes(2);
  });
});
