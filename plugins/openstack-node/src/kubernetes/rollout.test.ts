import { applicationReadiness, helmReleaseReadiness, workloadReadiness } from './rollout';

const hr = (generation: number, status?: unknown) =>
  ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'x', generation }, status }) as any;

describe('rollout readiness', () => {
  it('a HelmRelease is ready only with Ready=True for its current generation', () => {
    expect(helmReleaseReadiness(hr(1))).toEqual({ ready: false, detail: 'no Ready condition yet (not reconciled)' });
    const ready = { type: 'Ready', status: 'True', reason: 'UpgradeSucceeded', observedGeneration: 1 };
    expect(helmReleaseReadiness(hr(1, { conditions: [ready] })).ready).toBe(true);
    expect(helmReleaseReadiness(hr(2, { conditions: [ready] }))).toEqual({ ready: false, detail: 'generation 2 not reconciled yet (observed 1)' });
    expect(
      helmReleaseReadiness(hr(2, { conditions: [{ type: 'Ready', status: 'False', reason: 'UpgradeFailed', message: 'timed out', observedGeneration: 2 }] })),
    ).toEqual({ ready: false, detail: 'Ready=False UpgradeFailed: timed out' });
  });

  it('an Argo CD Application is ready when Synced and Healthy', () => {
    const app = (health: string, sync: string) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x' }, status: { health: { status: health }, sync: { status: sync } } }) as any;
    expect(applicationReadiness(app('Healthy', 'Synced')).ready).toBe(true);
    expect(applicationReadiness(app('Progressing', 'Synced'))).toEqual({ ready: false, detail: 'health Progressing, sync Synced' });
    expect(applicationReadiness(app('Healthy', 'OutOfSync')).ready).toBe(false);
  });

  it('a workload is rolled out when its spec was observed and every replica is updated and ready', () => {
    const d = (status: Record<string, number>, generation = 2) =>
      ({ kind: 'Deployment', metadata: { name: 'keystone-api', generation }, spec: { replicas: 2 }, status }) as any;
    expect(workloadReadiness(d({ observedGeneration: 2, updatedReplicas: 2, readyReplicas: 2, replicas: 2 })).ready).toBe(true);
    expect(workloadReadiness(d({ observedGeneration: 1, updatedReplicas: 2, readyReplicas: 2, replicas: 2 })).detail).toBe(
      'Deployment keystone-api: new spec not observed yet',
    );
    expect(workloadReadiness(d({ observedGeneration: 2, updatedReplicas: 1, readyReplicas: 2, replicas: 3 }))).toEqual({
      ready: false,
      detail: 'Deployment keystone-api: 2/2 ready, 1 updated',
    });
  });
});
