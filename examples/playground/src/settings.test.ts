import { describe, expect, it } from 'vitest';
import { parseSettings, type RawSettings } from './settings';

const GOOD: RawSettings = {
  model: 'lenet5',
  method: 'anl',
  eps: '0.03',
  epochs: '2',
  batchSize: '64',
  trainImages: '6000',
  testImages: '1000',
  attack: 'fgsm',
  backend: 'auto',
  seed: '1',
};

function errorsOf(changes: RawSettings): string[] {
  const parsed = parseSettings({ ...GOOD, ...changes });
  if (parsed.ok) throw new Error(`expected a refusal for ${JSON.stringify(changes)}`);
  return parsed.errors;
}

describe('parseSettings (the form)', () => {
  it('turns the default form into numbers', () => {
    expect(parseSettings(GOOD)).toEqual({
      ok: true,
      settings: {
        model: 'lenet5',
        method: 'anl',
        eps: 0.03,
        epochs: 2,
        batchSize: 64,
        trainImages: 6000,
        testImages: 1000,
        attack: 'fgsm',
        backend: 'auto',
        seed: 1,
      },
    });
  });

  it('refuses an empty eps with a message that says what to enter', () => {
    expect(errorsOf({ eps: '' })).toEqual(['ε is empty: enter a number from 0 to 1.']);
    expect(errorsOf({ eps: '   ' })).toEqual(['ε is empty: enter a number from 0 to 1.']);
  });

  it('refuses eps that is not a number in (0, 1]', () => {
    expect(errorsOf({ eps: 'abc' })).toEqual(['ε must be a number from 0 to 1; got "abc".']);
    expect(errorsOf({ eps: '1.5' })).toEqual(['ε must be a number from 0 to 1; got "1.5".']);
    expect(errorsOf({ eps: '-0.1' })).toEqual(['ε must be a number from 0 to 1; got "-0.1".']);
    expect(errorsOf({ eps: '0' })).toEqual([
      'ε must be greater than 0 for ANL (choose Baseline for no noise).',
    ]);
  });

  it('does not need eps for the baseline', () => {
    const parsed = parseSettings({ ...GOOD, method: 'none', eps: undefined });
    expect(parsed.ok && parsed.settings.eps).toBe(0);
  });

  it('refuses 0 epochs, fractions and out-of-range counts', () => {
    expect(errorsOf({ epochs: '0' })).toEqual(['Epochs must be a whole number from 1 to 100; got "0".']);
    expect(errorsOf({ epochs: '1.5' })).toEqual(['Epochs must be a whole number from 1 to 100; got "1.5".']);
    expect(errorsOf({ trainImages: '6001' })).toEqual([
      'Training images must be a whole number from 10 to 6000; got "6001".',
    ]);
    expect(errorsOf({ testImages: '5' })).toEqual([
      'Test images must be a whole number from 10 to 1000; got "5".',
    ]);
  });

  it('refuses a batch larger than the training images', () => {
    expect(errorsOf({ trainImages: '100', batchSize: '101' })).toEqual([
      'Batch size must be a whole number from 1 to 100; got "101".',
    ]);
  });

  it('reports every bad field at once', () => {
    expect(errorsOf({ eps: '', epochs: '0', model: 'resnet' })).toEqual([
      'Model must be one of lenet5, mlp; got "resnet".',
      'Epochs must be a whole number from 1 to 100; got "0".',
      'ε is empty: enter a number from 0 to 1.',
    ]);
  });
});
