import { choiceOption } from './args';
import { log } from './command';
import type { BackendName } from './pick-backend';

export const BACKENDS: readonly BackendName[] = ['wasm', 'cpu', 'webgpu'];

/** Activates `--backend` (checked) or the probe's choice, logging the choice on stderr. */
export async function setUpBackend(option: string | boolean | undefined): Promise<BackendName> {
  const forced = option === undefined ? undefined : choiceOption('backend', String(option), BACKENDS);
  const { describeProbe, pickBackend } = await import('./pick-backend');
  const { backend, probe } = await pickBackend(forced);
  const on = forced && probe[0]?.detail ? ` on ${probe[0].detail}` : '';
  log(
    `backend: ${backend}${on}  [${forced ? 'forced' : `probe, LeNet-5 batch 64: ${describeProbe(probe)}`}]`,
  );
  return backend;
}
