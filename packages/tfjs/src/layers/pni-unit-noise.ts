import { createRng, invalidArgument, pniNoise, type Rng } from '@anl/core';
import { clone, customGrad, type GradSaveFunc, type Tensor, zerosLike } from '@tensorflow/tfjs-core';
import { tfjsOps } from '../ops/tfjs-tensor-ops';

/** Identity with a zero gradient: PNI scales its noise by std(w) but does not train through it. */
const stopGradient = customGrad(((x: Tensor, save: GradSaveFunc) => {
  save([x]);
  return { value: clone(x), gradFunc: (_dy: Tensor, saved: Tensor[]) => zerosLike(saved[0]) };
}) as never) as (x: Tensor) => Tensor;

/**
 * `std(w) · N(0, 1)` of w's shape, std over the whole tensor and detached: core's `pniNoise` with
 * alpha 1. The layers multiply it by their alpha (layer-, channel- or element-wise, broadcast by tfjs),
 * so the one PNI formula lives in core.
 */
export function pniUnitNoise(w: Tensor, seed: number): Tensor {
  return pniNoise(tfjsOps, stopGradient(w), 1, seed);
}

/**
 * The seeds of a PNI layer's draws: a stream from `seed` (reproducible) or, without one, from
 * Math.random. `reset` restarts it, so the same forwards draw the same noise again.
 */
export class PniSeedStream {
  private rng: Rng;

  constructor(seed: number | null) {
    this.rng = createRng(seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  reset(seed: number): void {
    if (!Number.isSafeInteger(seed)) invalidArgument('seed', 'a safe integer', seed);
    this.rng = createRng(seed);
  }

  next(): number {
    return this.rng.nextUint32();
  }
}

/** Alpha's granularity: one for the layer, one per channel (last axis), or one per element. */
export type PniGranularity = 'layer' | 'channel' | 'element';

/** Checks the PNI settings shared by the activation and weight layers. */
export function checkPniSettings(args: {
  alphaInit?: unknown;
  granularity?: unknown;
  activeAtInference?: unknown;
  seed?: unknown;
}): { alphaInit: number; granularity: PniGranularity; activeAtInference: boolean; seed: number | null } {
  const alphaInit = args.alphaInit ?? 0.25;
  const granularity = args.granularity ?? 'layer';
  const activeAtInference = args.activeAtInference ?? true;
  const seed = args.seed ?? null;
  if (typeof alphaInit !== 'number' || !Number.isFinite(alphaInit)) {
    invalidArgument('config.alphaInit', 'a finite number', alphaInit);
  }
  if (granularity !== 'layer' && granularity !== 'channel' && granularity !== 'element') {
    invalidArgument('config.granularity', "'layer', 'channel' or 'element'", granularity);
  }
  if (typeof activeAtInference !== 'boolean') {
    invalidArgument('config.activeAtInference', 'a boolean', activeAtInference);
  }
  if (seed !== null && !Number.isSafeInteger(seed)) invalidArgument('config.seed', 'a safe integer', seed);
  return { alphaInit, granularity, activeAtInference, seed: seed as number | null };
}
