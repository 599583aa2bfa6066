export { conformanceCases, runConformance } from './conformance-cases';
export type { ConformanceCase, ConformanceOptions } from './types';
