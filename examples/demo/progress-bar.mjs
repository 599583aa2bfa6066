// A tiny progress bar: redraws one line in place on a terminal; elsewhere (CI logs, pipes) prints
// the final line only, plus a plain progress line every `logEveryMs` so long runs show they are alive.

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
 * createProgressBar({ label, total, stream, logEveryMs }) -> { update(done, info), finish(info) }.
 * `info` is a short string shown after the counts (e.g. "loss 0.41"). `stream` defaults to stdout;
 * `isTTY` and `now` can be given for tests.
 */
export function createProgressBar({
  label,
  total,
  stream = process.stdout,
  isTTY = stream.isTTY === true,
  now = Date.now,
  logEveryMs = 15_000,
}) {
  const started = now();
  let lastLog = started;
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
