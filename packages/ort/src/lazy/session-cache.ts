import * as ort from 'onnxruntime-node';

interface Entry {
  readonly session: Promise<ort.InferenceSession>;
  /** Runs in progress; an evicted session is released when the last one ends. */
  busy: number;
  evicted: boolean;
}

/**
 * Inference sessions by graph key, least recently used evicted first. Compiling a session costs
 * far more than running a small graph, and training-style code repeats the same computation on
 * new values, so the second time a structure is seen it only runs.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private compiled = 0;

  constructor(
    private readonly capacity: number,
    private readonly options: ort.InferenceSession.SessionOptions,
  ) {}

  /** Sessions compiled so far (cache misses). */
  get compiledCount(): number {
    return this.compiled;
  }

  /** Sessions held now. */
  get size(): number {
    return this.entries.size;
  }

  /** Runs `feeds` through the session of `key`, building its model with `model()` on a miss. */
  async run(
    key: string,
    model: () => Uint8Array,
    feeds: Record<string, ort.Tensor>,
    outputName: string,
  ): Promise<ort.Tensor> {
    const entry = this.acquire(key, model);
    entry.busy++;
    try {
      const session = await entry.session;
      const results = await session.run(feeds, [outputName]);
      return results[outputName];
    } finally {
      entry.busy--;
      if (entry.evicted && entry.busy === 0) void release(entry);
    }
  }

  /** Releases every session. The cache stays usable (later runs compile again). */
  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const entry of all) entry.evicted = true;
    await Promise.all(all.filter((e) => e.busy === 0).map(release));
  }

  private acquire(key: string, model: () => Uint8Array): Entry {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert: Map iteration order is insertion order, so the first entry is the least recent.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    this.compiled++;
    const session = ort.InferenceSession.create(model(), this.options);
    const entry: Entry = { session, busy: 0, evicted: false };
    // A failed compile must not poison the key: drop it so the next call reports the error afresh.
    session.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldestKey);
      oldest.evicted = true;
      if (oldest.busy === 0) void release(oldest);
    }
    return entry;
  }
}

async function release(entry: Entry): Promise<void> {
  try {
    await (await entry.session).release();
  } catch {
    // A session that failed to compile has nothing to release.
  }
}
