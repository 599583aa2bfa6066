import { engine, type Tensor } from '@tensorflow/tfjs-core';

interface RecordedKernel {
  readonly inputs: Record<string, Tensor | Tensor[] | null | undefined>;
  readonly outputs: readonly Tensor[];
}

/**
 * Which tensors recorded so far on the active gradient tape depend on a set of sources (during an
 * `engine().gradients(f, sources)` call): tfjs runs a kernel's gradient only on a path from a source,
 * so this tells in advance whether the backward pass will reach a tensor. Scans only the kernels
 * recorded since the last question. Reads tfjs' `engine().state.activeTape`; `reaches` answers null
 * when that is not readable (a tfjs that changed it), and callers then take the general path.
 */
export class TapeReachability {
  private readonly reached: Set<number>;
  private scanned = 0;

  constructor(sources: readonly Tensor[]) {
    this.reached = new Set(sources.map((s) => s.id));
  }

  reaches(t: Tensor): boolean | null {
    const tape = (engine() as { state?: { activeTape?: unknown } }).state?.activeTape;
    if (!Array.isArray(tape)) return null;
    for (; this.scanned < tape.length; this.scanned++) {
      const node = tape[this.scanned] as RecordedKernel;
      if (Object.values(node.inputs).some((input) => this.dependsOnSource(input))) {
        for (const out of node.outputs) this.reached.add(out.id);
      }
    }
    return this.reached.has(t.id);
  }

  private dependsOnSource(input: Tensor | Tensor[] | null | undefined): boolean {
    if (input == null) return false;
    if (Array.isArray(input)) return input.some((x) => x != null && this.reached.has(x.id));
    return this.reached.has(input.id);
  }
}
