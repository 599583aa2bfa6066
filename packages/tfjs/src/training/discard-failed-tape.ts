import { engine, type Tensor } from '@tensorflow/tfjs-core';

interface EngineTapeState {
  gradientDepth: number;
  activeTape: { saved?: Tensor[] }[] | null;
}

/**
 * After `engine().gradients(f, ...)` throws inside `f`, tfjs leaves the tape it was recording in
 * place, holding the tensors its kernels saved for the backward pass; the next gradient call just
 * drops the tape and those tensors leak. Free them, as tfjs does after a successful backward pass.
 * Only at the outermost gradient level, so a gradient being taken around ours is left alone.
 */
export function discardFailedTape(): void {
  const state = (engine() as unknown as { state: EngineTapeState }).state;
  if (state.gradientDepth !== 0 || state.activeTape === null) return;
  for (const node of state.activeTape) {
    for (const tensor of node.saved ?? []) tensor.dispose();
  }
  state.activeTape = null;
}
