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

  describe('an Argo CD Application', () => {
    // a child as the renderer writes it (credentials as parameters), after an upgrade's commit
    const source = (tag: string) => ({
      repoURL: 'https://charts.example.org/openstack-helm/',
      chart: 'keystone',
      targetRevision: '2026.1.0',
      helm: {
        valuesObject: { images: { tags: { keystone_api: `quay.io/airshipit/keystone:${tag}-ubuntu_noble` } }, pod: { replicas: { api: 1 } } },
        parameters: [{ name: 'endpoints.identity.auth.admin.password', value: 's3cret', forceString: true }],
      },
    });
    type AppStatus = {
      health?: { status: string; message?: string };
      sync?: { status: string; revision?: string; comparedTo?: { source: unknown } };
      operationState?: { phase: string; message?: string };
    };
    const app = (specTag: string, status: AppStatus) =>
      ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'c1-keystone' }, spec: { source: source(specTag) }, status }) as any;
    // what Argo CD writes once it synced the current source: Go drops forceString: false and empty fields
    const done = (tag: string, over: Partial<AppStatus> = {}): AppStatus => ({
      health: { status: 'Healthy' },
      sync: { status: 'Synced', revision: '2026.1.0', comparedTo: { source: source(tag) } },
      operationState: { phase: 'Succeeded' },
      ...over,
    });

    it('is ready when Synced to its current source, Healthy, and its last operation Succeeded', () => {
      expect(applicationReadiness(app('2025.2', done('2025.2')))).toEqual({ ready: true, detail: 'health Healthy, sync Synced at 2026.1.0' });
      // Go's omitempty: a parameter's forceString false and an empty helm field are absent in the status
      const specWithFalse = app('2025.2', done('2025.2'));
      specWithFalse.spec.source.helm.parameters[0].forceString = false;
      specWithFalse.spec.source.helm.fileParameters = [];
      const compared = specWithFalse.status.sync.comparedTo.source;
      compared.helm.parameters = [{ name: 'endpoints.identity.auth.admin.password', value: 's3cret' }];
      expect(applicationReadiness(specWithFalse).ready).toBe(true);
    });

    it('is not ready while its Synced and Healthy status is of the spec before an upgrade commit', () => {
      // the parent synced the child's new image tags from Git; Argo CD has not compared them yet
      const r = applicationReadiness(app('2025.2', done('2025.1')));
      expect(r.ready).toBe(false);
      expect(r.detail).toBe('health Healthy, sync Synced at 2026.1.0; status is of an earlier spec (not compared to the current source yet)');
      // a Helm value is compared as it is (false is a value there)
      const flag = app('2025.2', done('2025.2'));
      flag.spec.source.helm.valuesObject.manifests = { ingress_api: false };
      expect(applicationReadiness(flag).ready).toBe(false);
    });

    it('is not ready before its first comparison, while OutOfSync or not Healthy, at another revision, or while its last operation has not Succeeded', () => {
      expect(applicationReadiness(app('2025.2', {})).detail).toBe('health Unknown, sync Unknown');
      expect(applicationReadiness(app('2025.2', { health: { status: 'Healthy' }, sync: { status: 'Synced' } }))).toEqual({
        ready: false,
        detail: 'health Healthy, sync Synced; not compared to its source yet',
      });
      expect(applicationReadiness(app('2025.2', done('2025.2', { health: { status: 'Progressing', message: 'waiting for rollout' } })))).toEqual({
        ready: false,
        detail: 'health Progressing, sync Synced at 2026.1.0: waiting for rollout',
      });
      expect(applicationReadiness(app('2025.2', done('2025.2', { sync: { status: 'OutOfSync', comparedTo: { source: source('2025.2') } } }))).ready).toBe(false);
      expect(
        applicationReadiness(app('2025.2', done('2025.2', { sync: { status: 'Synced', revision: '2025.2.0', comparedTo: { source: source('2025.2') } } }))).detail,
      ).toBe('health Healthy, sync Synced at 2025.2.0; wants 2026.1.0');
      // PostSync hooks (keystone's bootstrap Job) still running, or the sync failed
      expect(applicationReadiness(app('2025.2', done('2025.2', { operationState: { phase: 'Running', message: 'waiting for completion of hook batch/Job/keystone-bootstrap' } })))).toEqual({
        ready: false,
        detail: 'health Healthy, sync Synced at 2026.1.0; last operation Running (waiting for completion of hook batch/Job/keystone-bootstrap)',
      });
      expect(applicationReadiness(app('2025.2', done('2025.2', { operationState: { phase: 'Failed' } }))).ready).toBe(false);
      // an Application that never needed a sync operation has none
      expect(applicationReadiness(app('2025.2', done('2025.2', { operationState: undefined }))).ready).toBe(true);
    });
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
