/** The reference implementation's tensor: a shape and its row-major float32 values. */
export interface RefTensor {
  readonly shape: number[];
  readonly data: Float32Array;
}
