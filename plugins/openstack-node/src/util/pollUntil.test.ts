import { pollUntil } from './pollUntil';

describe('pollUntil', () => {
  it('pollUntil returns the first value and names what it waited for on timeout', async () => {
    let n = 0;
    await expect(pollUntil('three', async () => (++n === 3 ? n : undefined), { timeoutMs: 1000, intervalMs: 1 })).resolves.toBe(3);
    await expect(pollUntil('nothing', async () => undefined, { timeoutMs: 5, intervalMs: 2 })).rejects.toThrow(/Timed out after 0 s waiting for nothing/);
  });
});
