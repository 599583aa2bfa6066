import { initializers, type LayersModel, layers, sequential } from '@tensorflow/tfjs-layers';

/**
 * LeNet-5 as the paper trains it on 28x28 Fashion-MNIST (conv 6@5x5 same, pool, conv 16@5x5, pool,
 * dense 120, 84, 10): the workload the backend probe times. Built here rather than taken from
 * @anl/models, which depends on this package.
 */
export function lenet5ProbeModel(): LayersModel {
  const init = (seed: number) => initializers.glorotUniform({ seed });
  return sequential({
    layers: [
      layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu', kernelInitializer: init(2) }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 120, activation: 'relu', kernelInitializer: init(3) }),
      layers.dense({ units: 84, activation: 'relu', kernelInitializer: init(4) }),
      layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(5) }),
    ],
  });
}
