import { kubeConfigFor } from './clusters';

const prodEu = {
  name: 'prod-eu',
  url: 'https://10.0.0.1:6443',
  authProvider: 'serviceAccount',
  serviceAccountToken: 'test-token-not-a-secret',
  caData: 'Q0FEQVRB',
  skipTLSVerify: false,
};

describe('a cluster reached directly', () => {
  it('builds a KubeConfig with the ServiceAccount token', () => {
    const kc = kubeConfigFor(prodEu);
    expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:6443');
    expect(kc.getCurrentCluster()?.caData).toBe('Q0FEQVRB');
    expect(kc.getCurrentUser()?.token).toBe('test-token-not-a-secret');
  });

  it('says how to fix an unsupported auth provider', () => {
    expect(() =>
      kubeConfigFor({ ...prodEu, name: 'oidc', authProvider: 'oidc' }),
    ).toThrow(/use authProvider: serviceAccount/);
  });
});
