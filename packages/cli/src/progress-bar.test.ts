import { describe, expect, it } from 'vitest';
import { createProgressBar, formatSeconds, renderBar } from './progress-bar';

/** A fake stream that records writes, and a clock the test moves by hand. */
function fakes(isTTY: boolean) {
  const writes: string[] = [];
  let t = 0;
  return {
    writes,
    stream: { write: (s: string) => writes.push(s), isTTY },
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('progress bar', () => {
  it('renders proportional bars and readable durations', () => {
    expect(renderBar(0, 4, 8)).toBe('[--------]');
    expect(renderBar(1, 4, 8)).toBe('[##------]');
    expect(renderBar(4, 4, 8)).toBe('[########]');
    expect(formatSeconds(9.4)).toBe('9s');
    expect(formatSeconds(185)).toBe('3m05s');
  });

  it('on a terminal redraws one line in place, with an ETA from the elapsed time', () => {
    const f = fakes(true);
    const bar = createProgressBar({ label: 'run', total: 4, stream: f.stream, now: f.now });
    f.advance(1000);
    bar.update(1, 'loss 1.0');
    expect(f.writes.at(-1)).toBe('\r\x1b[2Krun [######------------------] 1/4 loss 1.0 eta 3s');
    f.advance(10);
    bar.update(2); // too soon after the last redraw: skipped
    expect(f.writes).toHaveLength(1);
    f.advance(3000);
    expect(bar.finish('done')).toBeCloseTo(4.01, 5);
    expect(f.writes.at(-1)).toBe('\r\x1b[2Krun [########################] 4/4 done (4s)\n');
  });

  it('in a log prints the final line, a plain line per logEveryMs, and no control characters', () => {
    const f = fakes(false);
    const bar = createProgressBar({ label: 'run', total: 8, stream: f.stream, now: f.now, logEveryMs: 250 });
    for (let i = 1; i <= 8; i++) {
      f.advance(100);
      bar.update(i);
    }
    bar.finish();
    // Lines at 300 ms (3/8) and 600 ms (6/8), then the final one.
    expect(f.writes.map((w) => w.split(' ')[2])).toEqual(['3/8', '6/8', '8/8']);
    expect(f.writes.join('')).not.toContain('\r');
    expect(f.writes.join('')).not.toContain('\x1b');
  });
});
