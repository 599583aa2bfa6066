import { AnlError } from '../errors';
import type { Rng } from '../rng/rng';
import type { BatchShard } from '../training/batch-shard';
import { assertInteger, assertShape, assertValidShape, shapeSize } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';
import { validateLabels } from './validate-labels';

export interface ClassGradientCacheOptions {
  readonly numClasses: number;
  /** One entry per noise layer: the shape of one sample's activation there. */
  readonly sampleShapes: readonly (readonly number[])[];
}

/**
 * CANL's memory (Algorithm 2): per noise layer t and class c one sample-shaped gradient G[t][c],
 * initialised to 0, so a class not seen yet gets zero noise. Tables are replaced, never changed in
 * place: an update builds the new table first and frees the old one only after that succeeded.
 */
export class ClassGradientCache<T> {
  readonly numClasses: number;
  readonly sampleShapes: readonly (readonly number[])[];
  private readonly tables: T[];

  constructor(
    private readonly ops: TensorOpsV1<T>,
    options: ClassGradientCacheOptions,
  ) {
    assertInteger(options.numClasses, 'numClasses', 1);
    if (!Array.isArray(options.sampleShapes)) {
      throw new AnlError('INVALID_ARGUMENT', 'sampleShapes must be an array of shapes, one per noise layer', {
        argument: 'sampleShapes',
      });
    }
    options.sampleShapes.forEach((s, i) => {
      assertValidShape(s, `sampleShapes[${i}]`);
    });
    this.numClasses = options.numClasses;
    this.sampleShapes = options.sampleShapes.map((s) => [...s]);
    this.tables = this.sampleShapes.map((s) => ops.keep(ops.zeros([this.numClasses, ...s])));
  }

  get numLayers(): number {
    return this.tables.length;
  }

  /** The table of `layer`, shape `[numClasses, ...sampleShape]`, owned by the cache. */
  table(layer: number): T {
    this.checkLayer(layer);
    return this.tables[layer];
  }

  /** `G[layer][labels[i]]` for each sample i: shape `[B, ...sampleShape]`, caller owns it. */
  gather(layer: number, labels: Int32Array): T {
    this.checkLayer(layer);
    const checked = validateLabels(labels, this.numClasses, 'labels');
    return this.ops.gatherRows(this.tables[layer], checked);
  }

  /**
   * The table of `layer` after this batch, not stored: for every class present in `labels`, the
   * row of one uniformly chosen sample of that class in `grads` (`[B, ...sampleShape]`). Caller owns it.
   */
  nextTable(layer: number, grads: T, labels: Int32Array, rng: Rng): T {
    this.checkLayer(layer);
    const gradShape = this.ops.shape(grads);
    const checked = validateLabels(labels, this.numClasses, 'labels', gradShape[0]);
    assertShape(gradShape, [checked.length, ...this.sampleShapes[layer]], 'grads');
    const { rows, srcRows } = pickOnePerClass(checked, this.numClasses, rng);
    return this.ops.scatterRows(this.tables[layer], rows, grads, srcRows);
  }

  /**
   * `nextTable` of every layer in order (the same draws), not stored: on a data-parallel replica
   * (`shard`) `labels` are the whole batch's, `grads[t]` this replica's rows, and the chosen rows
   * are fetched from the replicas holding them in one exchange. Caller owns the tables.
   */
  nextTables(grads: readonly T[], labels: Int32Array, rng: Rng, shard?: BatchShard<T>): T[] {
    const built: T[] = [];
    const build = (make: (t: number) => T) => {
      try {
        grads.forEach((_, t) => {
          built.push(make(t));
        });
        return built;
      } catch (error) {
        this.ops.dispose(built);
        throw error;
      }
    };
    if (shard === undefined) return build((t) => this.nextTable(t, grads[t], labels, rng));
    const checked = validateLabels(labels, this.numClasses, 'labels', shard.batchSize);
    grads.forEach((g, t) => {
      this.checkLayer(t);
      assertShape(this.ops.shape(g), [shard.end - shard.start, ...this.sampleShapes[t]], 'grads');
    });
    const picks = grads.map(() => pickOnePerClass(checked, this.numClasses, rng));
    const picked = shard.gatherRows(grads.map((local, t) => ({ local, indices: picks[t].srcRows })));
    try {
      return build((t) =>
        this.ops.scatterRows(
          this.tables[t],
          picks[t].rows,
          picked[t],
          Int32Array.from(picks[t].srcRows, (_, k) => k),
        ),
      );
    } finally {
      this.ops.dispose(picked);
    }
  }

  /** Replaces `layer`'s table with `table` (from `nextTable`), taking ownership; frees the old one. */
  commit(layer: number, table: T): void {
    this.checkLayer(layer);
    assertShape(this.ops.shape(table), [this.numClasses, ...this.sampleShapes[layer]], 'table');
    const old = this.tables[layer];
    this.tables[layer] = this.ops.keep(table);
    if (old !== table) this.ops.dispose(old);
  }

  /** `commit(layer, nextTable(layer, grads, labels, rng))`. */
  update(layer: number, grads: T, labels: Int32Array, rng: Rng): void {
    this.commit(layer, this.nextTable(layer, grads, labels, rng));
  }

  /**
   * Updates every layer at once: all new tables are built before any is stored, so on an error the
   * cache is unchanged. `grads[t]` is layer t's gradient.
   */
  updateAll(grads: readonly T[], labels: Int32Array, rng: Rng): void {
    if (grads.length !== this.tables.length) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `grads must have ${this.tables.length} entries (one per layer), got ${grads.length}`,
        {
          argument: 'grads',
        },
      );
    }
    const built: T[] = [];
    try {
      for (let t = 0; t < grads.length; t++) built.push(this.nextTable(t, grads[t], labels, rng));
    } catch (error) {
      this.ops.dispose(built);
      throw error;
    }
    built.forEach((table, t) => {
      this.commit(t, table);
    });
  }

  /** Bytes of the tables: layers × classes × sample size × 4 (float32). */
  memoryBytes(): number {
    return this.sampleShapes.reduce((sum, s) => sum + this.numClasses * shapeSize(s) * 4, 0);
  }

  /** Frees every table. The cache must not be used after. */
  dispose(): void {
    this.ops.dispose(this.tables);
  }

  private checkLayer(layer: number): void {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.tables.length) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `layer must be an integer in [0, ${this.tables.length}), got ${layer}`,
        {
          argument: 'layer',
        },
      );
    }
  }
}

/**
 * For each class present, one sample index chosen uniformly among that class's samples
 * (reservoir sampling in one pass). Classes are visited in increasing order, so the rng draws are
 * reproducible.
 */
export function pickOnePerClass(
  labels: Int32Array,
  numClasses: number,
  rng: Rng,
): { rows: Int32Array; srcRows: Int32Array } {
  const chosen = new Int32Array(numClasses).fill(-1);
  const seen = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    seen[c] += 1;
    // Keep sample i with probability 1/seen: uniform over the class's samples at the end.
    if (seen[c] === 1 || rng.int(seen[c]) === 0) chosen[c] = i;
  }
  const rows: number[] = [];
  const srcRows: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    if (chosen[c] >= 0) {
      rows.push(c);
      srcRows.push(chosen[c]);
    }
  }
  return { rows: Int32Array.from(rows), srcRows: Int32Array.from(srcRows) };
}
