import type { layers } from '@tensorflow/tfjs-layers';

// tfjs-layers does not export `LayerArgs` from its index, and its deep path `dist/engine/topology`
// has no `exports` entry, so a `.d.ts` naming it breaks for users on moduleResolution node16/nodenext.

/** The base arguments every tfjs layer accepts (`name`, `trainable`, `inputShape`, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;
