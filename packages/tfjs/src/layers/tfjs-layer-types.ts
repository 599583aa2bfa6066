import type { layers } from '@tensorflow/tfjs-layers';

// tfjs-layers exports neither type from its index, and its deep path `dist/engine/topology` has no
// `exports` entry, so a `.d.ts` naming it breaks for users on moduleResolution node16/nodenext.
// Both are reached here through the public `layers.Layer` instead.

/** The base arguments every tfjs layer accepts (`name`, `trainable`, `inputShape`, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;

/** The keyword arguments tfjs passes to `Layer.call` (`training`, `mask`, ...). */
export type Kwargs = Parameters<layers.Layer['call']>[1];
