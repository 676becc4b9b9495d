import { jobFromCronJob } from './jobs';
import { jobOutcome } from './rollout';

describe('jobFromCronJob', () => {
  it('copies the template like kubectl create job --from=cronjob, owned by the CronJob', () => {
    const cronJob = {
      metadata: { name: 'nova-cell-setup', namespace: 'openstack', uid: 'u-1' },
      spec: {
        schedule: '*/30 * * * *',
        jobTemplate: {
          metadata: {
            labels: { application: 'nova', component: 'cell-setup' },
          },
          spec: {
            template: {
              spec: {
                restartPolicy: 'OnFailure',
                containers: [{ name: 'nova-cell-setup', image: 'nova:2025.1' }],
              },
            },
          },
        },
      },
    };
    const job = jobFromCronJob(cronJob, 'nova-cell-setup-cmp-1-1', {
      'openstack.backstage.io/compute-host': 'cmp-1',
    });
    expect(job).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'nova-cell-setup-cmp-1-1',
        namespace: 'openstack',
        labels: {
          application: 'nova',
          component: 'cell-setup',
          'openstack.backstage.io/compute-host': 'cmp-1',
        },
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            name: 'nova-cell-setup',
            uid: 'u-1',
            controller: true,
          },
        ],
      },
      spec: cronJob.spec.jobTemplate.spec,
    });
    // a copy: changing the Job does not change the CronJob
    job.spec!.template.spec!.containers[0].image = 'x';
    expect(
      cronJob.spec.jobTemplate.spec.template.spec.containers[0].image,
    ).toBe('nova:2025.1');
  });
});

describe('jobOutcome', () => {
  it.each([
    [undefined, { state: 'running' }],
    [[{ type: 'Complete', status: 'True' }], { state: 'complete' }],
    [[{ type: 'Complete', status: 'False' }], { state: 'running' }],
    [
      [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
      {
        state: 'failed',
        reason:
          'BackoffLimitExceeded: Job has reached the specified backoff limit',
      },
    ],
  ])('%j → %j', (conditions, outcome) => {
    expect(jobOutcome({ status: { conditions: conditions as any } })).toEqual(
      outcome,
    );
  });
});
