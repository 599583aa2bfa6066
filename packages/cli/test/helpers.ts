import { type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `anl` entry point (test/global-setup builds dist when it is stale). */
export const BIN = fileURLToPath(new URL('../bin/anl.mjs', import.meta.url));

/** Smallest budgets that still train and attack: seconds per cell. */
export const TINY = [
  '--backend',
  'wasm',
  '--epochs',
  '1',
  '--batch',
  '64',
  '--train-limit',
  '256',
  '--test-limit',
  '100',
] as const;

export const TINY_ATTACKS = [
  '--attacks',
  'fgsm,pgd',
  '--attack-eps=0,0.05',
  '--attack-limit',
  '40',
  '--pgd-steps',
  '2',
] as const;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `anl args...` as a separate process, as a user would. */
export function runAnl(args: readonly string[], options: SpawnOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `anl-cli-${prefix}-`));
}

/** The last line of stdout parsed as JSON (what --json prints). */
export function jsonOut(r: RunResult): Record<string, unknown> {
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}
