import { describe, expect, it } from 'vitest';
import { jsonOut, runAnl, TINY } from './helpers';

describe('anl train --workers', () => {
  it('trains data-parallel on 2 worker threads to the loss and test error of one thread', async () => {
    const run = (workers: string) =>
      runAnl([
        'train',
        '--method',
        'canl',
        '--eps',
        '0.03',
        '--seed',
        '4',
        ...TINY,
        '--workers',
        workers,
        '--json',
      ]);
    const [one, two] = await Promise.all([run('1'), run('2')]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const a = jsonOut(one) as Record<string, any>;
    const b = jsonOut(two) as Record<string, any>;
    expect(b.spec.workers).toBe(2);
    expect(b.id).toBe(a.id); // the workers are not part of the cell's identity
    // Same seed, same steps: the whole batch's gradients up to float rounding (4 steps of 64).
    expect(Math.abs(a.train.epochs[0].loss - b.train.epochs[0].loss)).toBeLessThan(1e-4);
    expect(Math.abs(a.clean.error - b.clean.error)).toBeLessThanOrEqual(0.02);
  });

  it('refuses --workers that is neither auto nor a positive integer, by name', async () => {
    const r = await runAnl(['train', ...TINY, '--workers', 'many']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--workers/);
  });
});
