export { conformanceCases, runConformance } from './conformance-cases';
export {
  type TrainableConformanceOptions,
  type TrainableSubject,
  trainableConformanceCases,
} from './trainable-cases';
export type { ConformanceCase, ConformanceOptions } from './types';
