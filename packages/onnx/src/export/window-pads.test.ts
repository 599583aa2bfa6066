import { describe, expect, it } from 'vitest';
import { windowPads } from './convolution-layers';

describe("windowPads: TensorFlow's 'same' rule", () => {
  it('valid padding is no padding', () => {
    expect(windowPads('valid', [28, 28], [5, 5], [1, 1], [1, 1])).toEqual([0, 0, 0, 0]);
  });

  it('odd totals put the extra row/column at the end', () => {
    // 28, kernel 5, stride 1: out 28, total 4 -> 2 + 2.
    expect(windowPads('same', [28, 28], [5, 5], [1, 1], [1, 1])).toEqual([2, 2, 2, 2]);
    // 7, kernel 2, stride 2: out 4, total 3*2 + 2 - 7 = 1 -> 0 before, 1 after.
    expect(windowPads('same', [7, 7], [2, 2], [2, 2], [1, 1])).toEqual([0, 0, 1, 1]);
    // 10 x 9, kernel 3 x 2, stride 2: out 5 x 5, totals 4*2+3-10 = 1 and 4*2+2-9 = 1.
    expect(windowPads('same', [10, 9], [3, 2], [2, 2], [1, 1])).toEqual([0, 0, 1, 1]);
  });

  it('dilation widens the window: kernel 3, dilation 2 acts as 5', () => {
    expect(windowPads('same', [6, 6], [3, 3], [1, 1], [2, 2])).toEqual([2, 2, 2, 2]);
  });

  it('gives up (null) where sizes are unknown or padding is not valid/same', () => {
    expect(windowPads('same', [null, 5], [3, 3], [1, 1], [1, 1])).toBeNull();
    expect(windowPads('causal', [5, 5], [3, 3], [1, 1], [1, 1])).toBeNull();
  });
});
