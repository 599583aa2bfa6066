import { describe, expect, it } from 'vitest';
import { validateLabels } from './validate-labels';

describe('validateLabels', () => {
  it('accepts integer labels in range and returns an Int32Array', () => {
    const labels = Int32Array.of(0, 2, 1);
    expect(validateLabels(labels, 3, 'labels')).toBe(labels);
    expect(validateLabels([0, 1], 2, 'labels', 2)).toEqual(Int32Array.of(0, 1));
  });

  it.each([
    ['a non-integer', [0, 0.5], /labels\[1\] must be an integer in \[0, 3\), got 0.5/],
    ['a negative label', Int32Array.of(-1), /labels\[0\] must be an integer in \[0, 3\), got -1/],
    ['a label >= numClasses', Int32Array.of(0, 3), /labels\[1\] must be an integer in \[0, 3\), got 3/],
    ['NaN', [Number.NaN], /got NaN/],
    ['not an array', 'abc', /labels must be an Int32Array of class labels/],
  ])('refuses %s with INVALID_LABELS', (_what, labels, message) => {
    expect(() => validateLabels(labels, 3, 'labels')).toThrow(message);
    expect(() => validateLabels(labels, 3, 'labels')).toThrow(
      expect.objectContaining({ code: 'INVALID_LABELS', argument: 'labels' }),
    );
  });

  it('refuses the wrong length', () => {
    expect(() => validateLabels(Int32Array.of(0, 1), 3, 'batch.labels', 3)).toThrow(
      expect.objectContaining({
        code: 'INVALID_LABELS',
        argument: 'batch.labels',
        message: 'batch.labels must have length 3 (the batch size), got 2',
      }),
    );
  });
});
