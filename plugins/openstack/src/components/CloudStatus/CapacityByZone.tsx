import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CloudStatus } from '@backstage-openstack/plugin-openstack-common';

const Bar = ({ label, used, capacity, unit }: { label: string; used: number; capacity: number; unit: string }) => {
  const pct = capacity > 0 ? Math.min(100, (used / capacity) * 100) : 0;
  return (
    <Box mb={1}>
      <Typography variant="caption">
        {label}: {used.toLocaleString()} / {capacity.toLocaleString()} {unit} ({pct.toFixed(0)}%)
      </Typography>
      <Box height={12} bgcolor="grey.300" borderRadius={2} role="img" aria-label={`${label} ${pct.toFixed(0)}% used`}>
        <Box height={12} width={`${pct}%`} bgcolor={pct > 85 ? 'error.main' : 'primary.main'} borderRadius={2} />
      </Box>
    </Box>
  );
};

/** Used vs schedulable vCPU and RAM per availability zone. */
export const CapacityByZone = ({ zones }: { zones: CloudStatus['capacityByZone'] }) => (
  <InfoCard title="Capacity by zone" subheader="Used vs schedulable (after reservations and allocation ratios)">
    {zones.length === 0 && <Typography>No compute hosts yet.</Typography>}
    {zones.map(z => (
      <Box key={z.zone} mb={2}>
        <Typography variant="subtitle2">{z.zone}</Typography>
        <Bar label="vCPU" used={z.vcpuUsed} capacity={z.vcpuCapacity} unit="vCPU" />
        <Bar label="RAM" used={Math.round(z.memoryMbUsed / 1024)} capacity={Math.round(z.memoryMbCapacity / 1024)} unit="GiB" />
      </Box>
    ))}
  </InfoCard>
);
