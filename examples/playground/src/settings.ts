// The form's settings, checked before anything is trained. Pure (no DOM, no tfjs), so the rules are
// unit-tested in Node and the page shows their messages instead of a stack trace.

export const MODELS = ['lenet5', 'mlp'] as const;
/** trainWithNoise's methods the page offers ('none' is the baseline; ANP is left out), plus PNI. */
export const METHODS = ['none', 'anl', 'canl', 'lat', 'gaussian', 'pni'] as const;
export const ATTACKS = ['fgsm', 'pgd'] as const;
export const BACKENDS = ['auto', 'webgl', 'wasm', 'cpu'] as const;

export type ModelName = (typeof MODELS)[number];
/** The trainer's methods plus 'pni' (parametric noise layers trained with FGSM adversarial training). */
export type MethodName = (typeof METHODS)[number];
export type AttackName = (typeof ATTACKS)[number];
export type BackendPreference = (typeof BACKENDS)[number];

/** Sizes of the embedded Fashion-MNIST subset in @anl/models. */
export const SUBSET_TRAIN_IMAGES = 6000;
export const SUBSET_TEST_IMAGES = 1000;
export const MAX_EPOCHS = 100;

export interface Settings {
  model: ModelName;
  method: MethodName;
  /** Noise magnitude (ANL, CANL, LAT, Gaussian) or FGSM adversarial-training strength (PNI). */
  eps: number;
  epochs: number;
  batchSize: number;
  trainImages: number;
  testImages: number;
  attack: AttackName;
  backend: BackendPreference;
  seed: number;
}

/** The form's raw text, one entry per field. */
export type RawSettings = Partial<Record<keyof Settings, string>>;

export type ParsedSettings = { ok: true; settings: Settings } | { ok: false; errors: string[] };

/** Human names for the methods, used in the form, the legends and the file names. */
export const METHOD_LABELS: Record<MethodName, string> = {
  none: 'baseline',
  anl: 'ANL',
  canl: 'CANL',
  lat: 'LAT',
  gaussian: 'Gaussian',
  pni: 'PNI',
};

/** Checks every field and collects one message per bad field (all at once, so the user fixes them in one go). */
export function parseSettings(raw: RawSettings): ParsedSettings {
  const errors: string[] = [];
  const model = oneOf(raw.model, MODELS, 'Model', errors);
  const method = oneOf(raw.method, METHODS, 'Method', errors);
  const attack = oneOf(raw.attack, ATTACKS, 'Attack', errors);
  const backend = oneOf(raw.backend, BACKENDS, 'Backend', errors);
  const trainImages = integerIn(raw.trainImages, 'Training images', 10, SUBSET_TRAIN_IMAGES, errors);
  const testImages = integerIn(raw.testImages, 'Test images', 10, SUBSET_TEST_IMAGES, errors);
  const epochs = integerIn(raw.epochs, 'Epochs', 1, MAX_EPOCHS, errors);
  const batchSize = integerIn(raw.batchSize, 'Batch size', 1, trainImages ?? SUBSET_TRAIN_IMAGES, errors);
  const seed = integerIn(raw.seed, 'Seed', 0, 2 ** 31 - 1, errors);
  // The baseline ignores eps; every other method needs one.
  let eps = 0;
  if (method !== undefined && method !== 'none') {
    const parsed = numberIn(raw.eps, 'ε', 0, 1, errors);
    if (parsed !== undefined && parsed === 0) {
      errors.push(`ε must be greater than 0 for ${METHOD_LABELS[method]} (choose Baseline for no noise).`);
    } else if (parsed !== undefined) {
      eps = parsed;
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      model: model!,
      method: method!,
      eps,
      epochs: epochs!,
      batchSize: batchSize!,
      trainImages: trainImages!,
      testImages: testImages!,
      attack: attack!,
      backend: backend!,
      seed: seed!,
    },
  };
}

function oneOf<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  label: string,
  errors: string[],
): T | undefined {
  if (text !== undefined && (allowed as readonly string[]).includes(text)) return text as T;
  errors.push(`${label} must be one of ${allowed.join(', ')}; got ${describe(text)}.`);
  return undefined;
}

function numberIn(
  text: string | undefined,
  label: string,
  min: number,
  max: number,
  errors: string[],
): number | undefined {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') {
    errors.push(`${label} is empty: enter a number from ${min} to ${max}.`);
    return undefined;
  }
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value < min || value > max) {
    errors.push(`${label} must be a number from ${min} to ${max}; got ${describe(text)}.`);
    return undefined;
  }
  return value;
}

function integerIn(
  text: string | undefined,
  label: string,
  min: number,
  max: number,
  errors: string[],
): number | undefined {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') {
    errors.push(`${label} is empty: enter a whole number from ${min} to ${max}.`);
    return undefined;
  }
  const value = Number(trimmed);
  if (!Number.isInteger(value) || value < min || value > max) {
    errors.push(`${label} must be a whole number from ${min} to ${max}; got ${describe(text)}.`);
    return undefined;
  }
  return value;
}

function describe(text: string | undefined): string {
  return text === undefined ? 'nothing' : `"${text}"`;
}
