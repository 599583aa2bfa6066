import { invalidArgument, type Rng, type TensorOpsV1 } from '@anl/core';

/** The three steps a descent attack takes that depend on the norm (foolbox's template). */
export interface NormBall {
  readonly norm: 'linf' | 'l2';
  /** A random point of the eps-ball around x (before clipping to the bounds). */
  randomPoint<T>(ops: TensorOpsV1<T>, x: T, eps: number, rng: Rng): T;
  /** The unit-length ascent direction for gradient g. */
  normalise<T>(ops: TensorOpsV1<T>, g: T): T;
  /** xAdv projected onto the eps-ball around x. */
  project<T>(ops: TensorOpsV1<T>, x: T, xAdv: T, eps: number): T;
}

function batchOf<T>(ops: TensorOpsV1<T>, x: T): { batch: number; dim: number } {
  const shape = ops.shape(x);
  const batch = shape[0];
  return { batch, dim: shape.slice(1).reduce((a, b) => a * b, 1) };
}

/** L∞: sign steps, element-wise clipping, uniform start in the cube. */
export const linfBall: NormBall = {
  norm: 'linf',
  randomPoint(ops, x, eps, rng) {
    return ops.add(x, ops.randomUniform(ops.shape(x), -eps, eps, rng.nextUint32()));
  },
  normalise(ops, g) {
    return ops.sign(g);
  },
  project(ops, x, xAdv, eps) {
    return ops.add(x, ops.clip(ops.sub(xAdv, x), -eps, eps));
  },
};

/** L2: g/‖g‖₂ steps (a zero gradient gives a zero step), radial shrink, uniform start in the ball. */
export const l2Ball: NormBall = {
  norm: 'l2',
  randomPoint(ops, x, eps, rng) {
    const { batch, dim } = batchOf(ops, x);
    const direction = l2Ball.normalise(ops, ops.randomNormal(ops.shape(x), 0, 1, rng.nextUint32()));
    // radius eps·u^(1/d) makes the point uniform in the ball's volume.
    const radii = Float32Array.from({ length: batch }, () => eps * rng.uniform() ** (1 / dim));
    return ops.add(x, ops.mulPerSample(direction, ops.fromArray(radii, [batch])));
  },
  normalise(ops, g) {
    return ops.mulPerSample(g, ops.safeReciprocal(ops.l2NormPerSample(g)));
  },
  project(ops, x, xAdv, eps) {
    const d = ops.sub(xAdv, x);
    // factor = min(1, eps/‖d‖); ‖d‖ = 0 gives factor 0, which leaves d = 0 unchanged.
    const factor = ops.clip(ops.scale(ops.safeReciprocal(ops.l2NormPerSample(d)), eps), 0, 1);
    return ops.add(x, ops.mulPerSample(d, factor));
  },
};

/** The ball for a norm setting; anything but 'linf' or 'l2' is refused. */
export function normBall(norm: unknown, argument: string): NormBall {
  if (norm === 'linf') return linfBall;
  if (norm === 'l2') return l2Ball;
  return invalidArgument(argument, "'linf' or 'l2'", norm);
}
