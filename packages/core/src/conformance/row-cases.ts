import { checkAgainstReference } from './against-reference';
import { randomHost, randomShape } from './inputs';
import type { ConformanceCase, KitContext } from './types';

/** gatherRows and scatterRows against the reference: repeats, every rank, a row written twice. */
export function rowCases<T>(ctx: KitContext<T>): ConformanceCase[] {
  return [
    {
      name: 'gatherRows matches the reference (repeated and reordered rows)',
      run: async () => {
        const rng = ctx.rngFor('gatherRows');
        for (let k = 0; k < ctx.trials; k++) {
          const shape = randomShape(rng, 1 + (k % 4));
          const table = randomHost(rng, shape, 'with-zeros');
          const indices = Int32Array.from({ length: 1 + rng.int(7) }, () => rng.int(shape[0]));
          await checkAgainstReference(
            ctx,
            `gatherRows([${indices.join(', ')}])`,
            [table],
            (o, [t]) => o.gatherRows(t, indices),
            'exact',
          );
        }
      },
    },
    {
      name: 'scatterRows matches the reference (other rows kept, src of another length)',
      run: async () => {
        const rng = ctx.rngFor('scatterRows');
        for (let k = 0; k < ctx.trials; k++) {
          const shape = randomShape(rng, 1 + (k % 4));
          const srcShape = [1 + rng.int(6), ...shape.slice(1)];
          const count = rng.int(shape[0] + 1);
          const rows = Int32Array.from({ length: count }, () => rng.int(shape[0]));
          const srcRows = Int32Array.from({ length: count }, () => rng.int(srcShape[0]));
          await checkAgainstReference(
            ctx,
            `scatterRows(rows [${rows.join(', ')}], srcRows [${srcRows.join(', ')}])`,
            [randomHost(rng, shape, 'normal'), randomHost(rng, srcShape, 'normal')],
            (o, [t, s]) => o.scatterRows(t, rows, s, srcRows),
            'exact',
          );
        }
      },
    },
    {
      name: 'scatterRows: a row written twice takes the last write',
      run: async () => {
        const rows = Int32Array.of(1, 0, 1);
        const srcRows = Int32Array.of(0, 1, 2);
        await checkAgainstReference(
          ctx,
          'scatterRows(rows [1, 0, 1], srcRows [0, 1, 2])',
          [
            { shape: [3, 2], values: Float32Array.of(1, 2, 3, 4, 5, 6) },
            { shape: [3, 2], values: Float32Array.of(10, 20, 30, 40, 50, 60) },
          ],
          (o, [t, s]) => o.scatterRows(t, rows, s, srcRows),
          'exact',
        );
      },
    },
  ];
}
