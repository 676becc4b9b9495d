import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

const useStyles = makeStyles({
  one: { display: 'block', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: '100%', minWidth: 0 },
});

/**
 * Text that stays on one line in its table cell: cut with an ellipsis when the column is too
 * narrow, the whole text in a tooltip (and the `title`, for those who hover without a mouse).
 */
export const Truncated = ({ text, children }: { text: string; children?: ReactNode }) => {
  const classes = useStyles();
  return (
    <Tooltip title={text} placement="bottom-start">
      <span className={classes.one} data-truncated="" aria-label={text}>
        {children ?? text}
      </span>
    </Tooltip>
  );
};
