import type { FitCallbacks, FitLogs } from '@anl/core';

/** Where one progress bar stands: `done` of `total` batches (total unknown for a dataset). */
export interface ProgressState {
  readonly epoch: number;
  readonly epochs: number;
  readonly done: number;
  readonly total?: number;
  readonly elapsedMs: number;
  readonly logs: FitLogs;
}

const BAR_WIDTH = 30;

/**
 * One line of `verbose: 1`'s bar, as model.fit draws it:
 * `Epoch 2/10 [=========>--------------------] 12/40 - ETA: 3.1s - loss: 0.4210 - acc: 0.8750`.
 * The ETA assumes the remaining batches take as long as the done ones on average.
 */
export function formatProgressBar(state: ProgressState): string {
  const { epoch, epochs, done, total, elapsedMs, logs } = state;
  const parts = [`Epoch ${epoch + 1}/${epochs}`];
  if (total !== undefined && total > 0) {
    const filled = Math.min(BAR_WIDTH, Math.floor((done / total) * BAR_WIDTH));
    const head = filled < BAR_WIDTH ? '>' : '';
    const rest = BAR_WIDTH - filled - head.length;
    parts[0] += ` [${'='.repeat(filled)}${head}${'-'.repeat(Math.max(0, rest))}] ${done}/${total}`;
    const etaSeconds = done > 0 ? ((total - done) * elapsedMs) / done / 1000 : Number.NaN;
    parts.push(Number.isFinite(etaSeconds) ? `ETA: ${etaSeconds.toFixed(1)}s` : 'ETA: ?');
  } else {
    parts[0] += ` batch ${done}`;
  }
  for (const [name, value] of Object.entries(logs)) {
    // A batch's logs carry its index and size (tfjs's habit); the bar shows those already.
    if (name !== 'batch' && name !== 'size') parts.push(`${name}: ${value.toFixed(4)}`);
  }
  return parts.join(' - ');
}

/** `Epoch 2/10 - 1.3s - loss: 0.4210 - acc: 0.8750`: the line an epoch leaves behind. */
export function formatEpochLine(epoch: number, epochs: number, elapsedMs: number, logs: FitLogs): string {
  const values = Object.entries(logs).map(([name, value]) => `${name}: ${value.toFixed(4)}`);
  return [`Epoch ${epoch + 1}/${epochs}`, `${(elapsedMs / 1000).toFixed(1)}s`, ...values].join(' - ');
}

/** Where `verbose: 1` writes: a terminal gets a bar redrawn in place, anything else one line an epoch. */
export interface ProgressOutput {
  /** Redraws the current line (a terminal); absent: only epoch lines are written. */
  readonly redraw?: (text: string) => void;
  readonly line: (text: string) => void;
}

/** Node with stderr on a terminal: the bar on stderr. Otherwise (CI logs, browsers): console lines. */
export function defaultProgressOutput(): ProgressOutput {
  const stderr = typeof process === 'undefined' ? undefined : process.stderr;
  if (stderr?.isTTY === true) {
    return {
      redraw: (text) => stderr.write(`\r\x1b[2K${text}`),
      line: (text) => stderr.write(`\r\x1b[2K${text}\n`),
    };
  }
  return { line: (text) => console.log(text) };
}

// A terminal redraw at most this often (a fast epoch would otherwise spend its time printing).
const REDRAW_EVERY_MS = 100;

/**
 * `verbose: 1`. With a terminal, a bar per epoch updated after each batch (which reads the loss back
 * every batch), then replaced by the epoch's line; without one, only the epoch line, so the loop
 * keeps reading the loss once per epoch.
 */
export function progressCallback(
  epochs: number,
  output: ProgressOutput = defaultProgressOutput(),
  now: () => number = Date.now,
): FitCallbacks {
  let start = 0;
  let lastDraw = 0;
  let total: number | undefined;
  const callbacks: FitCallbacks = {
    setParams: (params) => {
      const { samples, batchSize } = params as { samples?: unknown; batchSize?: unknown };
      total =
        typeof samples === 'number' && typeof batchSize === 'number' && batchSize > 0
          ? Math.ceil(samples / batchSize)
          : undefined;
    },
    onEpochBegin: () => {
      start = now();
      lastDraw = 0;
    },
    onEpochEnd: (epoch, logs = {}) => {
      output.line(formatEpochLine(epoch, epochs, now() - start, logs));
    },
  };
  const redraw = output.redraw;
  if (redraw === undefined) return callbacks;
  let epochNow = 0;
  return {
    ...callbacks,
    onEpochBegin: (epoch) => {
      epochNow = epoch;
      callbacks.onEpochBegin?.(epoch);
    },
    onBatchEnd: (batch, logs = {}) => {
      const t = now();
      const done = batch + 1;
      if (t - lastDraw < REDRAW_EVERY_MS && done !== total) return;
      lastDraw = t;
      redraw(formatProgressBar({ epoch: epochNow, epochs, done, total, elapsedMs: t - start, logs }));
    },
  };
}
