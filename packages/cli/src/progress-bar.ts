// A tiny progress bar: redraws one line in place on a terminal; elsewhere (CI logs, pipes) prints
// the final line only, plus a plain progress line every `logEveryMs` so long runs show they are alive.

const WIDTH = 24;

/** Seconds as "12s" or "3m05s". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** "[#########---------------]" for done/total. */
export function renderBar(done: number, total: number, width = WIDTH): string {
  const filled = total > 0 ? Math.min(width, Math.round((width * done) / total)) : width;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export interface ProgressBarOptions {
  label: string;
  total: number;
  /** Where the bar goes (default stderr: stdout is kept for results and --json). */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  isTTY?: boolean;
  now?: () => number;
  logEveryMs?: number;
}

export interface ProgressBar {
  update(done: number, info?: string): void;
  /** Prints the final line; returns the seconds since the bar was created. */
  finish(info?: string): number;
}

/**
 * A bar for `total` steps. `info` is a short string shown after the counts (e.g. "loss 0.41").
 * `isTTY` and `now` can be given for tests; ANL_PLAIN_PROGRESS=1 forces line mode (worker processes).
 */
export function createProgressBar({
  label,
  total,
  stream = process.stderr,
  isTTY = stream.isTTY === true && process.env.ANL_PLAIN_PROGRESS !== '1',
  now = Date.now,
  logEveryMs = 15_000,
}: ProgressBarOptions): ProgressBar {
  const started = now();
  let lastLog = started;
  let lastDraw = 0;
  const line = (done: number, info: string) => {
    const elapsed = (now() - started) / 1000;
    const eta = done > 0 && done < total ? ` eta ${formatSeconds((elapsed / done) * (total - done))}` : '';
    return `${label} ${renderBar(done, total)} ${done}/${total}${info ? ` ${info}` : ''}${eta}`;
  };
  return {
    update(done, info = '') {
      if (isTTY) {
        // At most ~20 redraws a second: terminals are slow and the numbers are unreadable faster.
        const t = now();
        if (t - lastDraw < 50 && done < total) return;
        lastDraw = t;
        stream.write(`\r\x1b[2K${line(done, info)}`);
      } else {
        const t = now();
        if (t - lastLog >= logEveryMs && done < total) {
          lastLog = t;
          stream.write(`${line(done, info)}\n`);
        }
      }
    },
    finish(info = '') {
      const seconds = (now() - started) / 1000;
      const text = `${label} ${renderBar(total, total)} ${total}/${total}${info ? ` ${info}` : ''} (${formatSeconds(seconds)})`;
      stream.write(isTTY ? `\r\x1b[2K${text}\n` : `${text}\n`);
      return seconds;
    },
  };
}
