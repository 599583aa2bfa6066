import { describe, expect, it } from 'vitest';
import { deltaToEps, resolveStrength, resolveStrengths } from './epsilon';

describe('eps vs delta (0–255 pixel scale)', () => {
  it('delta is a fraction of 255 of the input range', () => {
    expect(deltaToEps(255, [0, 1])).toBe(1);
    expect(deltaToEps(8, [0, 255])).toBe(8);
    expect(deltaToEps(255, [-1, 1])).toBe(2);
    expect(deltaToEps(51, [-1, 1])).toBeCloseTo(0.4, 12);
  });

  it('resolveStrength keeps delta next to the eps it means; eps passes through', () => {
    expect(resolveStrength({ delta: 4 }, [0, 1])).toEqual({ eps: 4 / 255, delta: 4 });
    expect(resolveStrength({ eps: 0.03 }, [0, 255])).toEqual({ eps: 0.03 });
  });

  it('resolveStrengths maps lists in order', () => {
    expect(resolveStrengths({ deltas: [0, 2, 8] }, [0, 255])).toEqual([
      { eps: 0, delta: 0 },
      { eps: 2, delta: 2 },
      { eps: 8, delta: 8 },
    ]);
    expect(resolveStrengths({ epsilons: [0.1, 0] }, [0, 1])).toEqual([{ eps: 0.1 }, { eps: 0 }]);
  });
});
