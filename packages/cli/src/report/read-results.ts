import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AnlError } from '@anl/core';
import { CELL_SCHEMA } from '../cell';
import type { CellResult } from '../run-cell';

/** Every .json file under `path` (a file or a folder, searched recursively). */
function jsonFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => {
    const p = join(path, e.name);
    if (e.isDirectory()) return jsonFiles(p);
    return e.isFile() && e.name.endsWith('.json') ? [p] : [];
  });
}

/**
 * The cell results in `paths` (files or folders, wherever the cells ran), one per cell id: where the
 * same cell was run twice, the later one wins. Other JSON files are ignored.
 */
export function readCellResults(paths: readonly string[]): { cells: CellResult[]; files: string[] } {
  const byId = new Map<string, { cell: CellResult; file: string }>();
  for (const path of paths) {
    if (!existsSync(path)) {
      throw new AnlError(
        'NOT_FOUND',
        `${path}: no such file or folder (give result files or sweep folders)`,
        {
          argument: 'paths',
        },
      );
    }
    for (const file of jsonFiles(path)) {
      let parsed: CellResult;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8')) as CellResult;
      } catch {
        continue;
      }
      if (parsed?.schema !== CELL_SCHEMA) continue;
      const seen = byId.get(parsed.id);
      if (seen === undefined || seen.cell.env.finishedAt < parsed.env.finishedAt)
        byId.set(parsed.id, { cell: parsed, file });
    }
  }
  const entries = [...byId.values()].sort((a, b) =>
    a.cell.id.localeCompare(b.cell.id, 'en', { numeric: true }),
  );
  return { cells: entries.map((e) => e.cell), files: entries.map((e) => e.file) };
}
