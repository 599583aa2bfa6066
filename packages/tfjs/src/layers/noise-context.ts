import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * What noise layers do with their input while a trainer runs a pass. The trainer installs one
 * around a forward pass (`withNoiseInjector`); a noise layer in training mode hands its input to it
 * and returns what it gives back (h + eta, plus whatever the trainer needs to take gradients there).
 * With no injector installed a noise layer is the identity (and always at inference).
 */
export interface NoiseInjector {
  /** `layerName` is the noise layer's unique name in the model; `h` its input, shape `[B, ...]`. */
  inject(layerName: string, h: Tensor): Tensor;
}

// The slot lives on globalThis under a global symbol: when both the ESM and the CJS build are loaded,
// a trainer from one must reach noise layers made by the other.
const SLOT = Symbol.for('@anl/tfjs/active-noise-injector');
type Slot = { active: NoiseInjector | null };
const slots = globalThis as Record<symbol, Slot | undefined>;
slots[SLOT] ??= { active: null };
const slot: Slot = slots[SLOT];

/** Runs `fn` with `injector` installed for every noise layer, restoring the previous one after. */
export function withNoiseInjector<R>(injector: NoiseInjector, fn: () => R): R {
  const previous = slot.active;
  slot.active = injector;
  try {
    return fn();
  } finally {
    slot.active = previous;
  }
}

/** The injector installed now, or null. Read by noise layers in `call`. */
export function activeNoiseInjector(): NoiseInjector | null {
  return slot.active;
}
