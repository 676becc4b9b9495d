import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readOpenStackClouds } from './config';

const read = (clouds: any) =>
  readOpenStackClouds(new ConfigReader({ openstack: { clouds } }));

describe('readOpenStackClouds', () => {
  it('reads an application-credential cloud with defaults', () => {
    const [cloud] = read({
      prod: {
        authUrl: 'https://keystone.example.com:5000',
        region: 'RegionOne',
        applicationCredentialId: 'id',
        applicationCredentialSecret: 'secret',
      },
    });
    expect(cloud).toMatchObject({
      key: 'prod',
      authUrl: 'https://keystone.example.com:5000/v3',
      region: 'RegionOne',
      interface: 'public',
      timeoutMs: 10000,
      maxConcurrency: 8,
      applicationCredentialId: 'id',
    });
  });

  it('reads a password cloud, keeps /v3 and honours interface, timeout and concurrency', () => {
    const [cloud] = read({
      lab: {
        authUrl: 'http://127.0.0.1:5000/v3/',
        interface: 'internal',
        username: 'admin',
        password: 'pw',
        projectName: 'admin',
        userDomainName: 'Default',
        timeoutMs: 3000,
        maxConcurrency: 2,
        caData: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      },
    });
    expect(cloud).toMatchObject({
      authUrl: 'http://127.0.0.1:5000/v3',
      interface: 'internal',
      username: 'admin',
      projectName: 'admin',
      projectDomainName: 'Default',
      timeoutMs: 3000,
      maxConcurrency: 2,
    });
  });

  it('returns no cloud when openstack.clouds is absent', () => {
    expect(readOpenStackClouds(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [
      { region: 'r' },
      /openstack\.clouds\.bad\.authUrl is missing; set it to the Keystone v3 URL/,
    ],
    [{ authUrl: 'keystone' }, /authUrl "keystone" is not a URL/],
    [
      { authUrl: 'http://k:5000', applicationCredentialId: 'x' },
      /set both applicationCredentialId and applicationCredentialSecret/,
    ],
    [
      { authUrl: 'http://k:5000', username: 'u', password: 'p' },
      /needs username, password and projectName/,
    ],
    [
      { authUrl: 'http://k:5000' },
      /openstack\.clouds\.bad has no credentials; set applicationCredentialId/,
    ],
    [
      {
        authUrl: 'http://k:5000',
        applicationCredentialId: 'a',
        applicationCredentialSecret: 'b',
        interface: 'private',
      },
      /interface "private" is not valid; use one of public, internal, admin/,
    ],
    [
      {
        authUrl: 'http://k:5000',
        applicationCredentialId: 'a',
        applicationCredentialSecret: 'b',
        maxConcurrency: 0,
      },
      /maxConcurrency must be a positive number/,
    ],
    [
      {
        authUrl: 'http://k:5000',
        applicationCredentialId: 'a',
        applicationCredentialSecret: 'b',
        caData: 'not pem',
      },
      /caData must be a PEM bundle/,
    ],
  ])(
    'rejects bad config %j with an InputError naming the key and the fix',
    (bad, message) => {
      let error: unknown;
      try {
        read({ bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('openstack.clouds.bad');
    },
  );

  it('never puts the secret in a config error', () => {
    expect(() =>
      read({
        bad: {
          authUrl: 'nope',
          applicationCredentialId: 'a',
          applicationCredentialSecret: 'hunter2-secret',
        },
      }),
    ).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('hunter2'),
      }),
    );
  });
});
