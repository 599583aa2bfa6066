import { clone, dispose, type Optimizer, type Tensor, type Variable } from '@tensorflow/tfjs-core';

/** What `captureOptimizerState` hands back: put the optimizer back as it was, or let the copy go. */
export interface OptimizerStateSnapshot {
  /** Returns every slot variable and counter to its captured value; drops slots created since. */
  restore(): void;
  /** Frees the captured copies (call after a successful update, and after `restore`). */
  dispose(): void;
}

type Slot = { variable: Variable };

/**
 * Captures an optimizer's internal state so a failed `applyGradients` can be undone: tfjs's
 * optimizers update weights and their slots (momentum accumulations, Adam's moments and beta powers,
 * the iteration counter) one variable at a time, so a throw half-way leaves some updated.
 *
 * tfjs has no synchronous state API (`getWeights` is async), so this reads the optimizer's own
 * fields: every `tf.Variable`, every array of `{ variable }` slots (how all the built-in optimizers
 * store per-weight state) and every primitive (the iteration counter). Clones share the variables'
 * buffers, so capturing costs no copy: an update `assign`s new buffers and the clones keep the old.
 */
export function captureOptimizerState(optimizer: Optimizer): OptimizerStateSnapshot {
  const fields = optimizer as unknown as Record<string, unknown>;
  const keys = Object.keys(fields);
  const primitives = new Map<string, unknown>();
  const variables: { key: string; variable: Variable; copy: Tensor }[] = [];
  const slotArrays: { key: string; array: unknown[]; length: number; copies: (Tensor | null)[] }[] = [];
  for (const key of keys) {
    const value = fields[key];
    if (value === null || typeof value !== 'object') primitives.set(key, value);
    else if (isVariable(value)) variables.push({ key, variable: value, copy: clone(value) });
    else if (Array.isArray(value) && value.every((s) => s == null || isSlot(s))) {
      const copies = value.map((s) => (s == null ? null : clone((s as Slot).variable)));
      slotArrays.push({ key, array: value, length: value.length, copies });
    }
  }
  const copies = (): Tensor[] => [
    ...variables.map((v) => v.copy),
    ...slotArrays.flatMap((a) => a.copies.filter((c): c is Tensor => c !== null)),
  ];
  return {
    restore() {
      for (const key of Object.keys(fields)) if (!keys.includes(key)) delete fields[key];
      for (const [key, value] of primitives) fields[key] = value;
      for (const { key, variable, copy } of variables) {
        if (fields[key] !== variable && isVariable(fields[key])) fields[key].dispose();
        fields[key] = variable;
        variable.assign(copy);
      }
      for (const { key, array, length, copies: saved } of slotArrays) {
        const current = fields[key];
        if (current !== array && Array.isArray(current)) disposeSlots(current);
        fields[key] = array;
        // Slots created during the failed update (a first step creates them) are dropped again.
        disposeSlots(array.slice(length));
        array.length = length;
        for (let i = 0; i < length; i++) {
          const copy = saved[i];
          const slot = array[i];
          if (copy !== null) (slot as Slot).variable.assign(copy);
          else if (slot != null) {
            disposeSlots([slot]);
            array[i] = undefined;
          }
        }
      }
    },
    dispose() {
      dispose(copies());
    },
  };
}

function disposeSlots(slots: unknown[]): void {
  for (const s of slots) if (isSlot(s)) s.variable.dispose();
}

function isVariable(value: unknown): value is Variable {
  const v = value as Partial<Variable> | null;
  return v != null && typeof v.assign === 'function' && typeof v.trainable === 'boolean';
}

function isSlot(value: unknown): value is Slot {
  return value != null && typeof value === 'object' && isVariable((value as Partial<Slot>).variable);
}
