import { registerAnlLayers } from './layers/register';

export * from './layers/index';
export * from './model-surgery/index';
export * from './ops/index';
export * from './training/index';

// tfjs cannot be handed custom layer classes when loading a model: register ours on import.
registerAnlLayers();
