// The playground in a real browser: build the site, serve dist/ on 127.0.0.1, drive the system
// Chromium with puppeteer-core, train one short epoch and check what the page shows.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeOnnxModel } from '@anl/onnx';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, serveDirectory } from './static-server';
import { findSystemBrowser, launchArguments, NO_BROWSER_MESSAGE } from './system-browser';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const browserPath = findSystemBrowser();
if (browserPath === null) console.warn(NO_BROWSER_MESSAGE);
/** Set to keep the finished page's picture (the README's screenshot.png is made this way). */
const screenshotPath = process.env.PLAYGROUND_SCREENSHOT ?? join(tmpdir(), 'anl-playground-screenshot.png');

/** A short run: 300 training images (10 batches of 32), 200 test images, one epoch. */
const SHORT_RUN = {
  model: 'lenet5',
  method: 'anl',
  eps: '0.03',
  epochs: '1',
  batchSize: '32',
  trainImages: '300',
  testImages: '200',
  attack: 'fgsm',
  backend: 'auto',
  seed: '1',
};

describe.skipIf(browserPath === null)('playground in headless Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let profile: string;
  let site: string;
  let downloads: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    // A fresh build of the site into a temporary folder (dist/ is turbo's cached output).
    site = mkdtempSync(join(tmpdir(), 'anl-playground-site-'));
    await promisify(execFile)(
      'npx',
      ['vite', 'build', '--outDir', site, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: root,
      },
    );
    server = await serveDirectory(site);
    profile = mkdtempSync(join(tmpdir(), 'anl-playground-chromium-'));
    browser = await puppeteer.launch({
      executablePath: browserPath!,
      headless: true,
      args: launchArguments(profile),
    });
    page = await browser.newPage();
    // Downloads land in a temporary folder the test reads back.
    downloads = mkdtempSync(join(tmpdir(), 'anl-playground-downloads-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(server.url, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const dir of [profile, site, downloads]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses bad settings with a message and trains nothing', async () => {
    await fill(page, { ...SHORT_RUN, eps: '', epochs: '0' });
    await page.click('#train');
    const errors = await page.$eval('#errors', (el) => ({
      hidden: (el as HTMLElement).hidden,
      text: el.textContent ?? '',
    }));
    expect(errors.hidden).toBe(false);
    expect(errors.text).toContain('ε is empty');
    expect(errors.text).toContain('Epochs must be a whole number from 1 to 100; got "0"');
    expect(errors.text).not.toMatch(/at \w+ \(|Error:/); // a message, not a stack trace
    expect(await page.$eval('#status', (el) => (el as HTMLElement).dataset.state)).toBe('idle');
  });

  it('trains ANL and a baseline for one epoch, then shows the curves and the gallery', async () => {
    await fill(page, SHORT_RUN);
    await page.click('#train');
    expect(await page.$eval('#errors', (el) => (el as HTMLElement).hidden)).toBe(true);
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('#status')?.dataset.state !== 'running',
      {
        timeout: 150_000,
        polling: 500,
      },
    );
    const status = await page.$eval('#status', (el) => {
      const { state, tensors, expectedTensors } = (el as HTMLElement).dataset;
      return { state, tensors, expectedTensors, text: el.textContent };
    });
    expect(status.text).toMatch(/^Done in/);
    expect(status.state).toBe('done');
    expect(['webgl', 'wasm', 'cpu']).toContain(
      await page.$eval('#backend', (el) => (el as HTMLElement).dataset.backend),
    );

    // Loss and test error after the epoch, for both models.
    const progress = await page.$$eval('#progress-table tbody tr', (rows) =>
      rows.map((r) => ({
        model: r.getAttribute('data-model'),
        epoch: Number(r.getAttribute('data-epoch')),
        loss: Number(r.querySelector('.loss')?.getAttribute('data-value')),
        testError: Number(r.querySelector('.test-error')?.getAttribute('data-value')),
        seconds: Number(r.querySelector('.epoch-seconds')?.getAttribute('data-value')),
      })),
    );
    expect(progress.map((p) => [p.model, p.epoch])).toEqual([
      ['ANL', 1],
      ['baseline', 1],
    ]);
    for (const p of progress) {
      // Cross-entropy of 10 classes starts at ln 10 = 2.30; one epoch must be finite and below it.
      expect(p.loss).toBeGreaterThan(0);
      expect(p.loss).toBeLessThan(Math.log(10));
      // Better than guessing (0.9) after ten Adam steps, and a fraction of the 200 test images.
      expect(p.testError).toBeGreaterThan(0);
      expect(p.testError).toBeLessThan(0.9);
      expect(p.testError * 200).toBeCloseTo(Math.round(p.testError * 200), 9);
      expect(p.seconds).toBeGreaterThan(0);
    }

    // Activation std of LeNet-5's two noise sites: positive, finite, for both models.
    const std = await page.$$eval('#std-table tr[data-layer] td[data-value]', (cells) =>
      cells.map((c) => Number(c.getAttribute('data-value'))),
    );
    expect(std).toHaveLength(4);
    for (const s of std) {
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeGreaterThan(0);
    }

    // Robustness curves: accuracies in [0, 1], not rising with eps, and at eps 0 the clean accuracy
    // the attack library measured equals 1 - the test error the training loop measured.
    const curve = await page.$$eval('#curve-table tr[data-eps]', (rows) =>
      rows.map((r) => ({
        eps: Number(r.getAttribute('data-eps')),
        accuracy: Object.fromEntries(
          [...r.querySelectorAll('td[data-accuracy]')].map((c) => [
            c.getAttribute('data-model'),
            Number(c.getAttribute('data-accuracy')),
          ]),
        ),
      })),
    );
    expect(curve.map((c) => c.eps)).toEqual([0, 0.02, 0.05, 0.1, 0.15, 0.2]);
    for (const model of ['ANL', 'baseline']) {
      const accuracy = curve.map((c) => c.accuracy[model]);
      for (const a of accuracy) {
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
      }
      for (let i = 1; i < accuracy.length; i++) expect(accuracy[i]).toBeLessThanOrEqual(accuracy[i - 1]);
      expect(accuracy.at(-1)).toBeLessThan(accuracy[0]);
      const testError = progress.find((p) => p.model === model)!.testError;
      expect(accuracy[0]).toBeCloseTo(1 - testError, 9);
    }
    expect(await page.$$eval('#curve-chart svg g[data-series] polyline', (l) => l.length)).toBe(2);

    // Feature maps: LeNet-5's six first-layer channels for each model; a gallery row per class.
    expect(await page.$$eval('#feature-maps canvas', (c) => c.length)).toBe(12);
    expect(
      await page.$$eval('#gallery tr[data-class]', (r) => r.map((x) => x.getAttribute('data-class'))),
    ).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

    // Nothing left behind but the data and the two models' weights; the download is offered.
    expect(status.tensors).toBe(status.expectedTensors);
    expect(await page.$eval('#download', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: screenshotPath, fullPage: true });
    console.log(`playground screenshot: ${screenshotPath}`);
  });

  it('downloads the trained ANL model as an ONNX file without its noise layers', async () => {
    await page.click('#download-onnx');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#download-onnx')?.dataset.bytes, {
      timeout: 30_000,
      polling: 100,
    });
    const { bytes, fileName } = await page.$eval('#download-onnx', (b) => ({
      ...(b as HTMLElement).dataset,
    }));
    expect(fileName).toBe('anl-lenet5-anl.onnx');
    const file = join(downloads, fileName!);
    // Chromium writes a .crdownload first and renames it when the download is complete.
    await waitFor(() => existsSync(file), 10_000);
    const onnx = readFileSync(file);
    expect(onnx.length).toBe(Number(bytes));

    const model = decodeOnnxModel(new Uint8Array(onnx));
    const { graph } = model;
    expect(graph.inputs.map((v) => [v.dataType, v.shape.slice(1)])).toEqual([['float', [28, 28, 1]]]);
    expect(graph.outputs.map((v) => [v.dataType, v.shape.slice(1)])).toEqual([['float', [10]]]);
    expect(typeof graph.inputs[0].shape[0]).toBe('string'); // a symbolic batch dimension
    // LeNet-5's two convolutions, and no noise: the trainer's layers are stripped, so nothing random
    // is left in the graph.
    const ops = graph.nodes.map((n) => n.opType);
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(2);
    expect(ops.some((op) => op.startsWith('Random'))).toBe(false);
    // LeNet-5 has 61,706 trainable numbers (156 + 2,416 + 48,120 + 10,164 + 850, counted by hand);
    // every one of them is a float initializer of the graph, and nothing else is.
    const floats = graph.initializers.filter((t) => t.dataType === 'float');
    expect(floats.reduce((n, t) => n + t.values.length, 0)).toBe(61_706);
    expect(consoleErrors).toEqual([]);
  });

  it('stops a long run when Stop is pressed and can train again', async () => {
    await fill(page, { ...SHORT_RUN, trainImages: '3000', epochs: '5' });
    await page.click('#train');
    await page.waitForFunction(
      () => document.querySelector('#status')?.textContent?.startsWith('Training ANL: epoch'),
      { timeout: 60_000, polling: 100 },
    );
    // The page answers while it trains: a timer fires within a batch or two, not after the epoch.
    const timerDelayMs = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const started = performance.now();
          setTimeout(() => resolve(performance.now() - started), 0);
        }),
    );
    expect(timerDelayMs).toBeLessThan(2000);
    await page.click('#stop');
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('#status')?.dataset.state !== 'running',
      {
        timeout: 30_000,
        polling: 200,
      },
    );
    expect(await page.$eval('#status', (el) => (el as HTMLElement).dataset.state)).toBe('stopped');
    expect(await page.$eval('#train', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    expect(await page.$$eval('#curve-table tr', (r) => r.length)).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});

async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    await page.$eval(
      `#settings [name="${name}"]`,
      (el, v) => {
        const field = el as HTMLInputElement | HTMLSelectElement;
        field.value = v;
        field.dispatchEvent(new Event('change', { bubbles: true }));
      },
      value,
    );
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms in vain`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
