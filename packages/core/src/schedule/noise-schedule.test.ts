import { describe, expect, it } from 'vitest';
import { ANP_VGG16_CIFAR10_SCHEDULE, halfNoiseSchedule, settingsForEpoch } from './noise-schedule';

describe('settingsForEpoch', () => {
  it('a constant eps with noise on for epochs < noiseEpochs (the paper: first half)', () => {
    const schedule = halfNoiseSchedule(0.03, 10);
    expect(settingsForEpoch(schedule, 0)).toEqual({ eps: 0.03, noise: true });
    expect(settingsForEpoch(schedule, 4)).toEqual({ eps: 0.03, noise: true });
    expect(settingsForEpoch(schedule, 5)).toEqual({ eps: 0.03, noise: false });
    expect(settingsForEpoch({ eps: -0.03 }, 99)).toEqual({ eps: -0.03, noise: true });
  });

  it('eps as a function of the epoch', () => {
    const schedule = { eps: (epoch: number) => 0.01 * (epoch + 1) };
    expect(settingsForEpoch(schedule, 2).eps).toBeCloseTo(0.03, 12);
  });

  it("the ANP authors' VGG schedule: 0-39 clean, 40-59 (.3, .7, 3), 60-79 (1, 1, 3), 80-99 (.3, .7, 3), 100+ clean", () => {
    const at = (e: number) => settingsForEpoch(ANP_VGG16_CIFAR10_SCHEDULE, e);
    expect(at(0).noise).toBe(false);
    expect(at(39).noise).toBe(false);
    expect(at(40)).toEqual({ eps: 0.3, noise: true, anpAlpha: 0.7, anpPasses: 3 });
    expect(at(60)).toEqual({ eps: 1, noise: true, anpAlpha: 1, anpPasses: 3 });
    expect(at(99)).toEqual({ eps: 0.3, noise: true, anpAlpha: 0.7, anpPasses: 3 });
    expect(at(100).noise).toBe(false);
    expect(at(119).noise).toBe(false);
  });

  it('refuses bad epochs, eps and phases', () => {
    expect(() => settingsForEpoch({ eps: 0.1 }, -1)).toThrow(expect.objectContaining({ argument: 'epoch' }));
    expect(() => settingsForEpoch({ eps: 0.1 }, 1.5)).toThrow(expect.objectContaining({ argument: 'epoch' }));
    expect(() => settingsForEpoch({ eps: Number.NaN }, 0)).toThrow(
      expect.objectContaining({ argument: 'schedule.eps' }),
    );
    expect(() => settingsForEpoch({ eps: () => Number.POSITIVE_INFINITY }, 3)).toThrow(
      expect.objectContaining({ argument: 'schedule.eps(3)' }),
    );
    expect(() =>
      settingsForEpoch(
        {
          eps: 0,
          anpPhases: [
            { from: 0, to: 5, eps: 1, alpha: 1, passes: 1 },
            { from: 4, to: 6, eps: 1, alpha: 1, passes: 1 },
          ],
        },
        4,
      ),
    ).toThrow(expect.objectContaining({ argument: 'schedule.anpPhases' }));
    expect(() => settingsForEpoch({ eps: 0.1, noiseEpochs: -2 }, 0)).toThrow(
      expect.objectContaining({ argument: 'schedule.noiseEpochs' }),
    );
  });
});
