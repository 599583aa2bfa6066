/**
 * Makes `instanceof cls` true for instances of every copy of `cls` in the process, not only this one.
 *
 * A program that loads both the ESM and the CJS build of a package (or two installed copies) gets two
 * class objects with the same name, and plain `instanceof` fails across them. A global symbol
 * (`Symbol.for(key)`) marks the prototype; `Symbol.hasInstance` checks the mark. Subclasses keep the
 * ordinary prototype-chain check.
 */
// biome-ignore lint/suspicious/noExplicitAny: any constructor signature, abstract ones included.
export function brandClass(cls: abstract new (...args: any[]) => object, key: string): void {
  const brand = Symbol.for(key);
  Object.defineProperty(cls.prototype, brand, { value: true });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      if (this !== cls) return Function.prototype[Symbol.hasInstance].call(this, value);
      return (
        typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true
      );
    },
  });
}
