import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe("core README's walk-throughs stay true", () => {
  const readme = read('../../core/README.md');

  it('"Add a method" shows exactly the method file the registration test trains with', () => {
    const block = readme.match(
      /<!-- add-a-method:start -->\n```ts\n([\s\S]*?)```\n<!-- add-a-method:end -->/,
    );
    expect(block).not.toBeNull();
    expect(block?.[1]).toBe(read('./sign-flip-method.ts'));
    expect(read('./register-method.test.ts')).toContain(
      "import { signFlipMethod } from './sign-flip-method';",
    );
  });

  it('"Add a backend" points at templates that run both conformance kits', () => {
    const trainable = '../src/training/tfjs-trainable-model.conformance.test.ts';
    const ops = '../src/ops/tfjs-tensor-ops.conformance.test.ts';
    expect(readme).toContain(`packages/tfjs/${trainable.slice(3)}`);
    expect(existsSync(new URL(ops, import.meta.url))).toBe(true);
    expect(read(trainable)).toContain('trainableConformanceCases');
    expect(read(ops)).toContain('conformanceCases(');
  });
});
