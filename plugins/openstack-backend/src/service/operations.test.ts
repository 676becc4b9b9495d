import { mockCredentials, mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { cloudRefOfTask, listOperations } from './operations';

const server = setupServer();
registerMswTestHooks(server);

const task = (id: string, template: string, parameters: Record<string, unknown>, status = 'completed') => ({
  id,
  status,
  createdAt: '2026-01-01T00:00:00Z',
  lastHeartbeatAt: '2026-01-01T00:05:00Z',
  createdBy: 'user:default/alice',
  spec: { templateInfo: { entityRef: template }, parameters },
});

describe('operations', () => {
  it('reads the cloud ref a task names, in full', () => {
    expect(cloudRefOfTask({ cloud: 'resource:team-a/prod' })).toBe('resource:team-a/prod');
    expect(cloudRefOfTask({ cloud: 'Resource:Team-A/Prod' })).toBe('resource:team-a/prod');
    expect(cloudRefOfTask({ name: 'lab' })).toBe('resource:default/lab');
    expect(cloudRefOfTask({ cloud: 'component:default/x' })).toBeUndefined();
    expect(cloudRefOfTask({ other: 1 })).toBeUndefined();
  });

  it("lists the suite's tasks of the cloud, and not those of a cloud of the same name elsewhere", async () => {
    let authorization: string | null = null;
    server.use(
      http.get('http://localhost:0/api/scaffolder/v2/tasks', ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json({
          tasks: [
            task('t1', 'template:default/openstack-upgrade-cloud', { cloud: 'resource:team-a/prod', targetRelease: '2025.2' }, 'processing'),
            task('t2', 'template:default/openstack-enroll-host', { cloud: 'resource:default/prod', host: 'cmp-1' }),
            task('t3', 'template:default/openstack-enroll-host', { cloud: 'resource:team-a/prod', host: 'cmp-2' }, 'failed'),
            task('t4', 'template:default/something-else', { cloud: 'resource:team-a/prod' }),
          ],
        });
      }),
    );
    const items = await listOperations(
      { auth: mockServices.auth(), discovery: mockServices.discovery(), logger: mockServices.logger.mock() },
      mockCredentials.user('user:default/alice'),
      'resource:team-a/prod',
    );
    expect(authorization).toMatch(/^Bearer /);
    expect(items.map(o => [o.id, o.cloudRef, o.kind, o.state, o.host])).toEqual([
      ['t1', 'resource:team-a/prod', 'upgrade', 'running', undefined],
      ['t3', 'resource:team-a/prod', 'enroll', 'failed', 'cmp-2'],
    ]);
  });
});
