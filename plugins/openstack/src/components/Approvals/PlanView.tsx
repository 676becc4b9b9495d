import { StructuredMetadataTable, Table } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ApprovalPlan, approvalPlanOperation, ValueChange } from '@backstage-openstack/plugin-openstack-common';

/** A value of a change: `null` is the chart's default (the key removed, or not set before). */
const shown = (v: string | null) => (v === null ? <em>chart default</em> : <code>{v}</code>);

/** One chart's value changes, the value now and the value after side by side. */
const ChangesTable = ({ title, changes }: { title: string; changes: ValueChange[] }) => (
  <Table<ValueChange>
    title={title}
    options={{ paging: false, search: false, padding: 'dense', toolbar: true }}
    data={changes}
    columns={[
      { title: 'Value', field: 'path', render: c => <code>{c.path}</code> },
      { title: 'Now', render: c => shown(c.from) },
      { title: 'After', render: c => shown(c.to) },
    ]}
  />
);

type Of<K extends ApprovalPlan['operation']> = Extract<ApprovalPlan, { operation: K }>;

const UpgradePlanView = ({ plan }: { plan: Of<'upgrade'> }) => (
  <>
    <Typography variant="subtitle1" gutterBottom>
      {plan.from} → {plan.to}, openstack-helm charts {plan.chartVersion}: {plan.steps.length} steps in this order
    </Typography>
    <ol data-testid="plan-steps">
      {plan.steps.map((s, i) => (
        <li key={i}>
          {s.chart}
          {s.phase ? ` (${s.phase})` : ''}: {s.changes.length} value(s)
        </li>
      ))}
    </ol>
    {plan.steps.map((s, i) => (
      <Box key={i} mb={2}>
        <ChangesTable title={`${i + 1}. ${s.chart}${s.phase ? ` (${s.phase})` : ''}`} changes={s.changes} />
      </Box>
    ))}
  </>
);

interface ObjectRow {
  kind: string;
  name: string;
  namespace?: string;
  keys?: string[];
}

const CreatePlanView = ({ plan }: { plan: Of<'create'> }) => (
  <>
    <Typography variant="subtitle1" gutterBottom>
      New cloud, lifecycle {plan.lifecycle}
    </Typography>
    <StructuredMetadataTable metadata={(plan.spec ?? {}) as Record<string, unknown>} />
    {plan.objects.length > 0 && (
      <Box mt={2}>
        <Table<ObjectRow>
          title={`${plan.objects.length} objects rendered`}
          options={{ paging: false, search: false, padding: 'dense' }}
          data={(plan.objects as Array<{ kind: string; metadata?: { name?: string; namespace?: string }; keys?: string[] }>).map(o => ({
            kind: o.kind,
            name: o.metadata?.name ?? '',
            namespace: o.metadata?.namespace,
            keys: o.keys,
          }))}
          columns={[
            { title: 'Kind', field: 'kind' },
            { title: 'Name', field: 'name' },
            { title: 'Namespace', field: 'namespace' },
            { title: 'Secret keys (never values)', render: o => o.keys?.join(', ') ?? '' },
          ]}
        />
      </Box>
    )}
  </>
);

const EnrollPlanView = ({ plan }: { plan: Of<'enroll'> }) => (
  <StructuredMetadataTable
    metadata={{
      ...plan.host,
      'bundle files': plan.bundleKeys,
      'credentials from': plan.credentialSources.length ? plan.credentialSources.map(s => `${s.secret} (${s.key})`) : '—',
    }}
  />
);

/**
 * A plan, readable. A bound plan (`ApprovalPlan`): an upgrade's steps in order and, per chart,
 * each value now and after side by side; a new cloud's spec and rendered objects; a host's inputs
 * and bundle. Anything else: its fields as a table.
 */
export const PlanView = ({ plan }: { plan: unknown }) => {
  if (plan === null || plan === undefined) return <>—</>;
  if (typeof plan !== 'object') return <>{String(plan)}</>;
  switch (approvalPlanOperation(plan)) {
    case 'upgrade':
      return <UpgradePlanView plan={plan as Of<'upgrade'>} />;
    case 'create':
      return <CreatePlanView plan={plan as Of<'create'>} />;
    case 'enroll':
      return <EnrollPlanView plan={plan as Of<'enroll'>} />;
    default:
      return <StructuredMetadataTable metadata={plan as Record<string, unknown>} />;
  }
};
