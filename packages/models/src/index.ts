export * from './datasets/index';
export * from './models/index';
