#!/usr/bin/env node
/**
 * README snippets are tests. Every ```ts / ```js block of every README.md in the repository (root,
 * packages, their sub-folders, examples, bench) runs against the built packages, and every
 * `console.log(x); // shown` line must print what its comment shows. Run after the build:
 *
 *   node scripts/readme-snippets.mjs [file-or-folder-filter ...]
 *
 * Markers (HTML comments, invisible on GitHub) placed in the lines just before a block:
 *   <!-- snippet: skip REASON -->   do not run this block; REASON is required (e.g. needs tfjs-node).
 *   <!-- snippet: preamble
 *   const xs = tf.zeros([8, 4]);      code run before the block (declarations the prose assumes);
 *   -->                               several preambles stack, in order.
 *   <!-- snippet: output-of COMMAND -->  before a plain ``` block: COMMAND (run from the README's
 *                                     folder) must print exactly the block's lines;
 *   <!-- snippet: ignore REGEX -->    parts of output lines (times, temp paths) blanked on both sides.
 * A block with no marker runs as it stands. Each runs in its own process, in a fresh temp directory,
 * from a file under .readme-snippets/ (so `@anl/*` resolves to the workspace's built packages).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2).map((f) => resolve(f));
const RUN_LANGS = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);
const TIMEOUT_MS = Number(process.env.README_SNIPPET_TIMEOUT_MS ?? 180_000);

function readmes(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (['node_modules', 'dist', '.git', '.turbo', '.readme-snippets', '.changeset'].includes(entry.name))
      return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return readmes(path);
    return entry.name === 'README.md' ? [path] : [];
  });
}

/** Blocks of one README with the markers just above each. */
export function parseReadme(text) {
  const lines = text.split('\n');
  const blocks = [];
  let markers = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const comment = /^<!--\s*snippet:\s*(\S+)\s*(.*)$/.exec(line.trim());
    if (comment !== null) {
      let body = comment[2];
      let j = i;
      while (!body.trimEnd().endsWith('-->')) {
        j++;
        if (j >= lines.length) throw new Error(`line ${i + 1}: unterminated snippet marker`);
        body += `\n${lines[j]}`;
      }
      markers.push({ kind: comment[1], value: body.trimEnd().replace(/-->$/, '').trim(), line: i + 1 });
      i = j;
      continue;
    }
    const fence = /^```(\S*)\s*$/.exec(line);
    if (fence !== null) {
      const start = i + 1;
      let end = start;
      while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
      blocks.push({ lang: fence[1], code: lines.slice(start, end).join('\n'), line: i + 1, markers });
      markers = [];
      i = end;
    }
  }
  return blocks;
}

/** `console.log(expr); // shown` -> a check that `expr` prints as `shown`. */
function withOutputChecks(code) {
  return code
    .split('\n')
    .map((line, i) => {
      const m = /^(\s*)console\.log\((.*)\);\s*\/\/\s*(.+)$/.exec(line);
      if (m === null) return line;
      return `${m[1]}__readmeExpect(${m[2]}, ${JSON.stringify(m[3].trim())}, ${i + 1});`;
    })
    .join('\n');
}

const EXPECT_HELPER = `
import { inspect as __inspect } from 'node:util';
const __normal = (s) => s.replace(/\\s+/g, ' ').replace(/\\[ /g, '[').replace(/ \\]/g, ']').trim();
globalThis.__readmeExpect = (value, shown, line) => {
  const printed = typeof value === 'string' ? value : __inspect(value, { breakLength: Infinity, depth: 6 });
  console.log(printed);
  if (__normal(printed) !== __normal(shown)) {
    console.error(\`README shows \${shown}\\n  but the code prints \${printed}\\n  (block line \${line})\`);
    process.exitCode = 3;
  }
};
`;

const results = [];
const scratch = join(repo, '.readme-snippets');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });

for (const readme of readmes(repo).sort()) {
  if (filters.length > 0 && !filters.some((f) => readme.startsWith(f))) continue;
  const name = relative(repo, readme);
  const blocks = parseReadme(readFileSync(readme, 'utf8'));
  blocks.forEach((block, index) => {
    const where = `${name}:${block.line}`;
    const skip = block.markers.find((m) => m.kind === 'skip');
    const outputOf = block.markers.find((m) => m.kind === 'output-of');
    if (skip !== undefined) {
      if (skip.value.length < 8) results.push({ where, ok: false, why: 'skip marker without a reason' });
      else results.push({ where, ok: true, skipped: skip.value });
      return;
    }
    if (outputOf !== undefined) {
      results.push(checkOutput(where, block, outputOf.value, dirname(readme)));
      return;
    }
    if (!RUN_LANGS.has(block.lang)) return;
    const preamble = block.markers
      .filter((m) => m.kind === 'preamble')
      .map((m) => m.value)
      .join('\n');
    results.push(runBlock(where, `${preamble}\n${block.code}`, `${name.replace(/[/.]/g, '_')}_${index}`));
  });
}

function runBlock(where, code, id) {
  let js;
  try {
    const out = ts.transpileModule(withOutputChecks(code), {
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    if (out.diagnostics?.length)
      throw new Error(ts.flattenDiagnosticMessageText(out.diagnostics[0].messageText, '\n'));
    js = out.outputText;
  } catch (error) {
    return { where, ok: false, why: `does not parse: ${error.message}` };
  }
  const file = join(scratch, `${id}.mjs`);
  writeFileSync(file, `${EXPECT_HELPER}\n${js}`);
  const cwd = mkdtempSync(join(tmpdir(), 'anl-readme-'));
  const started = Date.now();
  const run = spawnSync(process.execPath, [file], { cwd, encoding: 'utf8', timeout: TIMEOUT_MS });
  rmSync(cwd, { recursive: true, force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status === 0) return { where, ok: true, seconds };
  const why =
    run.error?.message ??
    `exit ${run.status}\n${(run.stderr || run.stdout).trim().split('\n').slice(-12).join('\n')}`;
  return { where, ok: false, why, seconds };
}

function checkOutput(where, block, command, cwd) {
  const ignores = block.markers.filter((m) => m.kind === 'ignore').map((m) => new RegExp(m.value, 'g'));
  const blank = (line) => ignores.reduce((l, re) => l.replace(re, '…'), line).trimEnd();
  const started = Date.now();
  const run = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', timeout: TIMEOUT_MS * 3 });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status !== 0) {
    return {
      where,
      ok: false,
      why: `${command}: exit ${run.status}\n${run.stderr.trim().split('\n').slice(-8).join('\n')}`,
      seconds,
    };
  }
  const shown = block.code.split('\n').map(blank);
  const printed = run.stdout.trimEnd().split('\n').map(blank);
  const diffs = [];
  for (let i = 0; i < Math.max(shown.length, printed.length); i++) {
    if (shown[i] !== printed[i])
      diffs.push(
        `  line ${i + 1}: README ${JSON.stringify(shown[i])}\n          prints ${JSON.stringify(printed[i])}`,
      );
  }
  return diffs.length === 0
    ? { where, ok: true, seconds }
    : { where, ok: false, why: `output differs:\n${diffs.join('\n')}`, seconds };
}

rmSync(scratch, { recursive: true, force: true });
let failed = 0;
for (const r of results) {
  if (r.skipped !== undefined) console.log(`skip ${r.where} (${r.skipped})`);
  else if (r.ok) console.log(`ok   ${r.where} (${r.seconds} s)`);
  else {
    failed++;
    console.log(`FAIL ${r.where}${r.seconds ? ` (${r.seconds} s)` : ''}\n${r.why.replace(/^/gm, '     ')}`);
  }
}
console.log(
  `\nREADME snippets: ${results.length - failed} passed (${results.filter((r) => r.skipped).length} skipped with a reason), ${failed} failed`,
);
if (failed > 0) process.exit(1);
if (statSync(repo).isDirectory() && results.length === 0) {
  console.error('no README snippets found');
  process.exit(1);
}
