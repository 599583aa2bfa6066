import type { FitCallbacks, StepSettings } from '@anl/core';
import { all, clone, dispose, equal, logicalAnd, type Tensor, tidy } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * Warns when the noise saturates the network: an epoch with noise on (eps != 0) that ran at least
 * one batch and left every trainable weight bit for bit as it was. (ANL with eps 1e30 does this: the
 * noise pins every activation, the gradients vanish and nothing trains.) Costs one clone per weight
 * (no copy: clones share the buffer until the weight is reassigned) and one read per epoch.
 */
export function saturationCallback(
  model: LayersModel,
  settings: readonly StepSettings[],
  warn: (message: string) => void = console.warn,
): FitCallbacks {
  let before: Tensor[] = [];
  return {
    onEpochBegin: (epoch) => {
      dispose(before);
      const s = settings[epoch];
      before = s?.noise && s.eps !== 0 ? model.trainableWeights.map((w) => clone(w.read())) : [];
    },
    onEpochEnd: async (epoch, logs = {}) => {
      if (before.length === 0 || !Number.isFinite(logs.loss)) {
        dispose(before);
        before = [];
        return;
      }
      const weights = model.trainableWeights.map((w) => w.read());
      const same = tidy(() =>
        weights.map((w, i) => all(equal(w, before[i]))).reduce((a, b) => logicalAnd(a, b)),
      );
      const unchanged = (await same.data())[0] === 1;
      dispose([same, ...before]);
      before = [];
      if (unchanged) {
        warn(
          `anl: epoch ${epoch} trained with eps ${settings[epoch].eps} and changed no weight: the noise saturates the network (try a smaller eps)`,
        );
      }
    },
    onTrainEnd: () => {
      dispose(before);
      before = [];
    },
  };
}
