import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Truncated } from './Truncated';

describe('Truncated', () => {
  it('shows the whole text in a tooltip while hovered, and mounts none before', async () => {
    render(<Truncated text="disabled: maintenance of the whole rack until Friday" />);
    const text = screen.getByText('disabled: maintenance of the whole rack until Friday');
    expect(text).toHaveAttribute('data-truncated');
    expect(text).toHaveAttribute('aria-label', 'disabled: maintenance of the whole rack until Friday');
    expect(text).toHaveAttribute('title', 'disabled: maintenance of the whole rack until Friday');
    expect(screen.queryByRole('tooltip')).toBeNull();

    await userEvent.hover(text);
    expect(await screen.findByRole('tooltip')).toHaveTextContent('disabled: maintenance of the whole rack until Friday');

    await userEvent.unhover(text);
    await expect(screen.findByRole('tooltip', {}, { timeout: 100 })).rejects.toThrow();
  });

  it('keeps the focused element when its tooltip opens (the text is not re-created)', async () => {
    render(
      <Truncated text="cmp-az1-0001.example.org">
        <a href="#host">cmp-az1-0001.example.org</a>
      </Truncated>,
    );
    const link = screen.getByRole('link', { name: 'cmp-az1-0001.example.org' });
    await userEvent.tab();
    expect(link).toHaveFocus();
    expect(await screen.findByRole('tooltip')).toHaveTextContent('cmp-az1-0001.example.org');
    expect(screen.getByRole('link', { name: 'cmp-az1-0001.example.org' })).toBe(link);
    expect(link).toHaveFocus();
  });
});
