// Node-only entry (`@anl/tfjs/node`): everything in `@anl/tfjs` plus file-system save and load.
// It imports the main entry by package name (kept external by tsup), so a program that imports
// both entries gets ONE NoiseLayer class and one registration, not a copy per bundle.
export * from '@anl/tfjs';
export * from '../io/index';
