/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { PLOT_NAMES } from '../src/report/plots';
import { jsonOut, runAnl, TINY, TINY_ATTACKS, tempDir } from './helpers';

const CHROMIUM = '/usr/bin/chromium';

describe('anl report', () => {
  it('writes every plot as SVG and PNG and a report.html that headless Chromium draws completely', async () => {
    const out = tempDir('report');
    // Baseline, Gaussian and ANL: what Fig. 3 compares.
    const sweep = await runAnl([
      'compare',
      '--out',
      out,
      '--methods',
      'none,gaussian,anl',
      '--eps',
      '0.03',
      '--seeds',
      '1',
      ...TINY,
      ...TINY_ATTACKS,
      '--jobs',
      '2',
      '--report',
      '--json',
    ]);
    expect(sweep.code, sweep.stderr).toBe(0);
    const report = jsonOut(sweep) as Record<string, any>;
    expect(report.cells).toHaveLength(3);
    expect(report.plots).toEqual([...PLOT_NAMES]);
    const dir = join(out, 'report');
    for (const name of PLOT_NAMES) {
      expect(readFileSync(join(dir, 'plots', `${name}.svg`), 'utf8')).toMatch(/^<svg/);
      const png = readFileSync(join(dir, 'plots', `${name}.png`));
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('### Clean error and robust accuracy at eps 0.05');
    expect(md).toMatch(/\| none \| [\d.]+ ± [\d.]+ \| [\d.]+ ± [\d.]+ \| [\d.]+ ± [\d.]+ \|/);

    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        `--user-data-dir=${tempDir('chromium')}`,
      ],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (req) => {
        requests.push(req.url());
      });
      await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
      // Per figure: the SVG's drawn size and, for every Vega mark group, how many of its items have area.
      const drawn = await page.evaluate(() =>
        [...document.querySelectorAll('figure.plot')].map((figure) => {
          const svg = figure.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          const groups = [...figure.querySelectorAll('g.role-mark')];
          const visible = groups.map(
            (g) =>
              [...g.children].filter((el) => {
                const b = (el as SVGGraphicsElement).getBBox?.();
                return b !== undefined && (b.width > 0 || b.height > 0);
              }).length,
          );
          return {
            name: figure.getAttribute('data-plot'),
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            marks: visible,
          };
        }),
      );
      expect(drawn.map((d) => d.name)).toEqual([...PLOT_NAMES]);
      for (const d of drawn) {
        expect(d.width, d.name ?? '').toBeGreaterThan(100);
        expect(d.height, d.name ?? '').toBeGreaterThan(100);
        expect(d.marks.length, d.name ?? '').toBeGreaterThan(0);
        expect(Math.max(...d.marks), d.name ?? '').toBeGreaterThan(0);
      }
      const featureMaps = drawn.find((d) => d.name === 'feature-maps');
      // 3 methods × (input + 6 channels) panels of 28 × 28 cells.
      expect(featureMaps?.marks.reduce((a, b) => a + b, 0)).toBe(3 * 7 * 28 * 28);
      // Self-contained: nothing fetched but the page itself.
      expect(requests.filter((u) => !u.endsWith('report.html'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300_000); // a 3-cell sweep, the report and a browser: ~20 s on a quiet machine
});
