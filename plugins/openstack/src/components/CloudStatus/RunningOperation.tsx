import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { openstackApiRef } from '../../api';

/**
 * The operation running on the cloud (its lease): kind, a link to its task and who started it.
 * While it runs, another create, upgrade or enroll of this cloud is refused. Nothing when none runs.
 */
export const RunningOperation = ({ cloudRef, refreshKey = 0 }: { cloudRef: string; refreshKey?: number }) => {
  const api = useApi(openstackApiRef);
  const { value: lease, error } = useAsync(() => api.getCloudLease(cloudRef), [cloudRef, refreshKey]);
  if (error) {
    return (
      <Alert severity="warning" data-testid="running-operation">
        Could not read the running operation: {error.message}
      </Alert>
    );
  }
  if (!lease) return null;
  return (
    <Alert severity="info" data-testid="running-operation">
      <strong>{lease.kind}</strong> running: <Link to={`/create/tasks/${lease.taskId}`}>task {lease.taskId}</Link>, started by{' '}
      {lease.initiator} at {new Date(lease.acquiredAt).toLocaleString()}. Another create, upgrade or enroll of this cloud waits until it
      ends.
    </Alert>
  );
};
