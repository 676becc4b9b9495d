import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { ResourceUsage } from '@backstage-openstack/plugin-openstack-common';

/** Formats a usage the way `openstack resource provider usage show` users read it. */
export function formatUsage(u: ResourceUsage | undefined, unit: 'vcpu' | 'mb'): string {
  if (!u) return '—';
  if (unit === 'mb') return `${(u.used / 1024).toFixed(0)} / ${(u.capacity / 1024).toFixed(0)} GiB`;
  return `${u.used} / ${u.capacity}`;
}

/**
 * Used vs capacity as a bar with the numbers beside it. A plain div, not MUI's Box: a Box
 * attaches a style sheet of its own per instance, and a hosts page has fifty of these bars.
 */
export const UsageBar = ({ usage, unit, minWidth = 140 }: { usage?: ResourceUsage; unit: 'vcpu' | 'mb'; minWidth?: number }) => {
  if (!usage) return <Typography variant="body2">—</Typography>;
  const pct = usage.capacity > 0 ? Math.min(100, (usage.used / usage.capacity) * 100) : 0;
  return (
    <div style={{ minWidth }}>
      <LinearProgress
        variant="determinate"
        value={pct}
        color={pct > 90 ? 'secondary' : 'primary'}
        aria-label={`${pct.toFixed(0)}% used`}
      />
      <Typography variant="caption" noWrap component="div" title={`${formatUsage(usage, unit)} (${pct.toFixed(0)}%)`}>
        {formatUsage(usage, unit)} ({pct.toFixed(0)}%)
      </Typography>
    </div>
  );
};
