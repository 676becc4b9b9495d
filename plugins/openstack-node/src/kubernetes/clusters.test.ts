import { ConfigReader } from '@backstage/config';
import { findCluster, kubeConfigFor, readClusters } from './clusters';

const config = new ConfigReader({
  kubernetes: {
    clusterLocatorMethods: [
      { type: 'catalog' },
      {
        type: 'config',
        clusters: [
          {
            name: 'prod-eu',
            url: 'https://10.0.0.1:6443',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'sa-token-value',
            caData: 'Q0FEQVRB',
          },
          { name: 'oidc', url: 'https://10.0.0.2:6443', authProvider: 'oidc' },
        ],
      },
    ],
  },
});

describe('Kubernetes clusters from the kubernetes backend config', () => {
  it('reads every cluster of config locators', () => {
    expect(readClusters(config).map(c => c.name)).toEqual(['prod-eu', 'oidc']);
  });

  it('builds a KubeConfig with the ServiceAccount token', () => {
    const kc = kubeConfigFor(findCluster(config, 'prod-eu'));
    expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:6443');
    expect(kc.getCurrentCluster()?.caData).toBe('Q0FEQVRB');
    expect(kc.getCurrentUser()?.token).toBe('sa-token-value');
  });

  it('says how to fix an unsupported auth provider', () => {
    expect(() => kubeConfigFor(findCluster(config, 'oidc'))).toThrow(
      /use authProvider: serviceAccount/,
    );
  });

  it('names a missing cluster', () => {
    expect(() => findCluster(config, 'nope')).toThrow(/No Kubernetes cluster "nope"/);
  });
});
