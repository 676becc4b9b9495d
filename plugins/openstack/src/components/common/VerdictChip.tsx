import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { Verdict } from '@backstage-openstack/plugin-openstack-common';

const useStyles = makeStyles(theme => ({
  Healthy: { backgroundColor: theme.palette.success.main, color: theme.palette.success.contrastText },
  Degraded: { backgroundColor: theme.palette.warning.main, color: theme.palette.warning.contrastText },
  Down: { backgroundColor: theme.palette.error.main, color: theme.palette.error.contrastText },
  Unknown: { backgroundColor: theme.palette.grey[500], color: theme.palette.common.white },
}));

/** A verdict as a coloured chip; its reasons as the tooltip. */
export const VerdictChip = ({ verdict, reasons }: { verdict: Verdict; reasons?: string[] }) => {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={verdict}
      className={classes[verdict]}
      title={reasons?.length ? reasons.join('\n') : verdict}
      data-verdict={verdict}
    />
  );
};
