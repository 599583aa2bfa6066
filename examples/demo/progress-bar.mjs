// A tiny progress bar: redraws one line in place on a terminal; elsewhere (CI logs, pipes) prints a
// plain line at every quarter so logs stay short.

const WIDTH = 24;

/** Seconds as "12s" or "3m05s". */
export function formatSeconds(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** "[#########---------------]" for done/total. */
export function renderBar(done, total, width = WIDTH) {
  const filled = total > 0 ? Math.min(width, Math.round((width * done) / total)) : width;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/**
 * createProgressBar({ label, total, stream }) -> { update(done, info), finish(info) }.
 * `info` is a short string shown after the counts (e.g. "loss 0.41"). `stream` defaults to stdout;
 * `isTTY` can be forced for tests.
 */
export function createProgressBar({
  label,
  total,
  stream = process.stdout,
  isTTY = stream.isTTY === true,
  now = Date.now,
}) {
  const started = now();
  let lastQuarter = 0;
  let lastDraw = 0;
  const line = (done, info) => {
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
        const quarter = Math.floor((4 * done) / total);
        if (quarter > lastQuarter && done < total) {
          lastQuarter = quarter;
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
