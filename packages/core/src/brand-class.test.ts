import { describe, expect, it } from 'vitest';
import { brandClass } from './brand-class';
import { AnlError } from './errors';

/** Two copies of "the same" class, as the ESM and CJS builds of one package give. */
function twoCopies() {
  const make = () => {
    class Thing {
      readonly size = 1;
    }
    brandClass(Thing, 'anl-test/Thing');
    return Thing;
  };
  return [make(), make()] as const;
}

describe('brandClass', () => {
  it('makes instanceof hold across copies of a class, and only for branded instances', () => {
    const [A, B] = twoCopies();
    expect(A).not.toBe(B);
    expect(new A()).toBeInstanceOf(B);
    expect(new B()).toBeInstanceOf(A);
    expect({ size: 1 }).not.toBeInstanceOf(A);
    expect((null as unknown as object) instanceof A).toBe(false);
    expect(Object.create(null) instanceof A).toBe(false);
  });

  it('leaves subclasses with the ordinary prototype check', () => {
    const [A] = twoCopies();
    class Sub extends A {}
    expect(new Sub()).toBeInstanceOf(A);
    expect(new Sub()).toBeInstanceOf(Sub);
    expect(new A()).not.toBeInstanceOf(Sub);
  });

  it('AnlError is branded: an error from another copy of @anl/core is an AnlError', () => {
    const foreign = Object.create({ [Symbol.for('@anl/core/AnlError')]: true });
    expect(foreign).toBeInstanceOf(AnlError);
    expect(new AnlError('NOT_FOUND', 'x')).toBeInstanceOf(AnlError);
    expect(new Error('x')).not.toBeInstanceOf(AnlError);
  });
});
