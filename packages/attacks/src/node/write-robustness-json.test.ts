import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RobustnessReport } from '../robustness-report';
import { writeRobustnessJson } from './index';

describe('writeRobustnessJson', () => {
  it('creates missing folders and writes JSON that parses back to the same report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anl-attacks-'));
    const report: RobustnessReport = {
      attack: 'fgsm',
      bounds: [0, 1],
      numExamples: 4,
      clean: { accuracy: 0.75, error: 0.25 },
      rows: [{ eps: 8 / 255, delta: 8, accuracy: 0.5, error: 0.5 }],
      settings: { batchSize: 128 },
    };
    const path = join(dir, 'nested', 'report.json');
    try {
      await writeRobustnessJson(report, path);
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(report);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
