import { ApprovalRequest, OperationRecord } from '@backstage-openstack/plugin-openstack-common';
import { historyRows } from './OperationsTable';

const op = (id: string, startedAt: string): OperationRecord => ({
  id,
  cloudRef: 'resource:default/demo-cloud',
  kind: 'upgrade',
  title: `task ${id}`,
  state: 'succeeded',
  actor: 'user:default/carol',
  taskId: id,
  startedAt,
});
const request = (id: string, taskId: string, createdAt: string, over: Partial<ApprovalRequest> = {}): ApprovalRequest => ({
  id,
  taskId,
  stepId: 'approval',
  requester: 'user:default/carol',
  approverGroup: 'group:default/platform-team',
  cloud: 'resource:default/demo-cloud',
  title: `request ${id}`,
  summary: '',
  plan: null,
  digest: 'sha256:abcdef0123456789',
  operation: 'upgrade',
  state: 'approved',
  createdAt,
  expiresAt: '2026-12-31T00:00:00Z',
  decidedBy: 'user:default/alice',
  comment: 'go',
  ...over,
});

describe('historyRows', () => {
  it('puts each request right after the task it belongs to, tasks newest first, with who requested and decided', () => {
    const rows = historyRows(
      [op('t-1', '2026-12-01T10:00:00Z'), op('t-2', '2026-12-02T10:00:00Z')],
      [request('a-1', 't-1', '2026-12-01T10:00:05Z'), request('a-2', 't-2', '2026-12-02T10:00:05Z', { state: 'pending', decidedBy: undefined, comment: undefined }), request('a-9', 't-gone', '2026-11-30T00:00:00Z')],
    );
    expect(rows.map(r => r.key)).toEqual(['op-t-2', 'approval-a-2', 'op-t-1', 'approval-a-1', 'approval-a-9']);
    expect(rows[3]).toMatchObject({ kind: 'approval (upgrade)', requestedBy: 'user:default/carol', decidedBy: 'user:default/alice', comment: 'go', digest: 'sha256:abcdef0123456789', state: 'approved', taskId: 't-1', approvalId: 'a-1' });
    expect(rows[1]).toMatchObject({ state: 'pending', decidedBy: undefined });
  });

  it('puts the run an approval started right after its request, and names the phases', () => {
    const rows = historyRows(
      [
        op('t-req', '2026-12-01T10:00:00Z'),
        // the run started later, on approval, but stands with its request
        { ...op('t-run', '2026-12-03T09:00:00Z'), approvalId: 'a-1', actor: 'user:default/alice' },
        op('t-other', '2026-12-02T10:00:00Z'),
      ],
      [request('a-1', 't-req', '2026-12-01T10:00:05Z', { runTaskId: 't-run' })],
    );
    expect(rows.map(r => r.key)).toEqual(['op-t-other', 'op-t-req', 'approval-a-1', 'op-t-run']);
    expect(rows.map(r => r.kind)).toEqual(['upgrade', 'upgrade (request)', 'approval (upgrade)', 'upgrade (approved run)']);
    expect(rows[2]).toMatchObject({ requestedBy: 'user:default/carol', decidedBy: 'user:default/alice', runTaskId: 't-run' });
    expect(rows[3]).toMatchObject({ requestedBy: 'user:default/alice', approvalId: 'a-1', taskId: 't-run' });
  });
});
