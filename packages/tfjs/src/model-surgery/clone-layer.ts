import { AnlError } from '@anl/core';
import { serialization } from '@tensorflow/tfjs-core';
import type { layers } from '@tensorflow/tfjs-layers';

/**
 * A new, unbuilt layer with `layer`'s configuration, made the way `loadLayersModel` makes layers
 * (the class registered under its class name, `fromConfig(getConfig())`; `config` overrides the config). Weights are set by the caller.
 */
export function cloneLayer(
  layer: layers.Layer,
  config: serialization.ConfigDict = layer.getConfig(),
): layers.Layer {
  const className = layer.getClassName();
  const entry = serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) {
    throw new AnlError(
      'UNSUPPORTED',
      `layer ${layer.name} has class ${className}, which is not registered with tf.serialization.registerClass`,
      { argument: 'model' },
    );
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config) as unknown as layers.Layer;
}
