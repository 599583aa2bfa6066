import { randomValues } from './backend-pair.test-helpers';

export type PadSpec = 'valid' | 'same' | [[0, 0], [number, number], [number, number], [0, 0]];

export interface ConvCase {
  name: string;
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: PadSpec;
  depthwise: boolean;
}

/** Output size along one axis, as tfjs computes it for the forward conv. */
function outSize(inSize: number, k: number, s: number, d: number, pad: 'valid' | 'same' | [number, number]) {
  const effective = (k - 1) * d + 1;
  if (pad === 'same') return Math.ceil(inSize / s);
  if (pad === 'valid') return Math.ceil((inSize - effective + 1) / s);
  return Math.floor((inSize + pad[0] + pad[1] - effective) / s) + 1;
}

export function dyShape(c: ConvCase): [number, number, number, number] {
  const [b, h, w, ci] = c.xShape;
  const [kh, kw, , co] = c.filterShape;
  const padH = typeof c.pad === 'string' ? c.pad : c.pad[1];
  const padW = typeof c.pad === 'string' ? c.pad : c.pad[2];
  return [
    b,
    outSize(h, kh, c.strides[0], c.dilations[0], padH),
    outSize(w, kw, c.strides[1], c.dilations[1], padW),
    c.depthwise ? ci * co : co,
  ];
}

/**
 * Random but valid conv geometries: sizes, kernel sizes, strides OR dilations above 1 (tfjs forbids
 * both at once), valid / same / explicit (including pads larger than the kernel reach).
 */
export function randomConvCases(count: number, seed: number, depthwise: boolean): ConvCase[] {
  const r = randomValues(count * 16, seed);
  const pick = (i: number, lo: number, hi: number) => lo + Math.floor(((r[i] + 1) / 2) * (hi - lo + 1));
  const cases: ConvCase[] = [];
  for (let n = 0; cases.length < count && n < count * 4; n++) {
    const o = (n * 16) % r.length;
    const kh = pick(o, 1, 4);
    const kw = pick(o + 1, 1, 4);
    const useDilation = pick(o + 2, 0, 2) === 0;
    const strides: [number, number] = useDilation ? [1, 1] : [pick(o + 3, 1, 3), pick(o + 4, 1, 3)];
    const dilations: [number, number] = useDilation ? [pick(o + 5, 1, 3), pick(o + 6, 1, 2)] : [1, 1];
    const padKind = pick(o + 7, 0, 2);
    const pad: PadSpec =
      padKind === 0
        ? 'valid'
        : padKind === 1
          ? 'same'
          : [
              [0, 0],
              [pick(o + 8, 0, 3), pick(o + 9, 0, 3)],
              [pick(o + 10, 0, 3), pick(o + 11, 0, 3)],
              [0, 0],
            ];
    const xShape: [number, number, number, number] = [
      pick(o + 12, 1, 3),
      pick(o + 13, 4, 10),
      pick(o + 14, 4, 10),
      pick(o + 15, 1, 4),
    ];
    const multiplier = depthwise ? pick(o + 3, 1, 2) : pick(o + 5, 1, 5);
    const c: ConvCase = {
      name: '',
      xShape,
      filterShape: [kh, kw, xShape[3], multiplier],
      strides,
      dilations,
      pad,
      depthwise,
    };
    const dy = dyShape(c);
    if (dy[1] < 1 || dy[2] < 1) continue;
    c.name = `x${xShape.join('x')} k${kh}x${kw}x${multiplier} s${strides} d${dilations} ${JSON.stringify(pad)}`;
    cases.push(c);
  }
  return cases;
}
