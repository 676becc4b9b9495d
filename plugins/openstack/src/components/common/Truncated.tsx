import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode, useRef, useState } from 'react';

const useStyles = makeStyles({
  one: { display: 'block', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: '100%', minWidth: 0 },
});

/**
 * Text that stays on one line in its table cell: cut with an ellipsis when the column is too
 * narrow, the whole text in a tooltip (and the `aria-label`, for screen readers; the `title`
 * while the tooltip is closed).
 *
 * The tooltip (MUI's, with its hooks and popper) exists only while the text is hovered or
 * focused, anchored to it: a hosts page has over a hundred of these cells, and a tooltip mounted
 * for each delayed its first rows. The text itself is never re-created (focus stays where it is).
 */
export const Truncated = ({ text, children }: { text: string; children?: ReactNode }) => {
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLSpanElement>(null);
  return (
    <>
      <span
        ref={ref}
        className={classes.one}
        data-truncated=""
        aria-label={text}
        // the native tooltip while MUI's is closed, as MUI's Tooltip sets it
        title={open ? undefined : text}
        onMouseEnter={() => setOpen(true)}
        onMouseLeave={() => setOpen(false)}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
      >
        {children ?? text}
      </span>
      {open && ref.current && (
        <Tooltip title={text} placement="bottom-start" open PopperProps={{ anchorEl: ref.current }}>
          <span hidden />
        </Tooltip>
      )}
    </>
  );
};
