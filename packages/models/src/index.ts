export * from './datasets/index';
