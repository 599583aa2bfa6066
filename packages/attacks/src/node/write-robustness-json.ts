import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RobustnessReport } from '../robustness-report';

/** Writes a robustness report (plus optional metadata: model, data, command) as pretty JSON. */
export async function writeRobustnessJson(
  report: RobustnessReport | Record<string, unknown>,
  path: string,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
}
