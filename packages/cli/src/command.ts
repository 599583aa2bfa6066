import type { OptionSpecs, ParsedArgs } from './args';

/** One `anl` sub-command: its help and what it does; `run` returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  description: string;
  options: OptionSpecs;
  run(args: ParsedArgs): Promise<number>;
}

/** Options every command has. */
export const COMMON_OPTIONS: OptionSpecs = {
  json: {
    type: 'boolean',
    default: false,
    help: 'print the result as JSON on stdout (progress stays on stderr)',
  },
  help: { type: 'boolean', short: 'h', default: false, help: 'show this help' },
};

/** --data, --backend and the size limits (commands that load data and run tfjs). */
export const DATA_OPTIONS: OptionSpecs = {
  data: {
    type: 'string',
    default: 'embedded',
    value: 'SOURCE',
    help: 'embedded (7,000-image Fashion-MNIST subset shipped with @anl/models), fashion-mnist, mnist, cifar10, or a folder of IDX files / CIFAR-10 batches',
  },
  'train-limit': { type: 'string', value: 'N', help: 'use the first N training images only' },
  'test-limit': { type: 'string', value: 'N', help: 'use the first N test images only' },
  backend: {
    type: 'string',
    value: 'NAME',
    help: 'wasm, cpu or webgpu (default: the fastest, by a short probe; webgpu needs the optional webgpu and @tensorflow/tfjs-backend-webgpu packages, ANL_WEBGPU_DRIVER=swiftshader for the software GPU)',
  },
};

/** Writes a line to stderr (progress, logs: stdout is kept for results). */
export function log(text: string): void {
  process.stderr.write(`${text}\n`);
}
