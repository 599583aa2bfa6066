// The page: reads the form, trains the chosen model (and a baseline with the same settings) live,
// then attacks both. Every failure ends in a message on the page, never a stack trace.
import '@anl/tfjs'; // registers the noise layer classes
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from './backend';
import { downloadModel } from './download';
import { type FashionMnistSubset, loadFashionMnistSubset } from './fashion-mnist';
import { firstLayerFeatures } from './feature-maps';
import { buildNetwork, type Network } from './networks';
import { downloadOnnx } from './onnx-download';
import { firstOfEachClass, galleryColumn, robustnessCurve } from './robustness';
import { METHOD_LABELS, type MethodName, parseSettings, type RawSettings, type Settings } from './settings';
import { trainNetwork } from './train-run';
import {
  byId,
  clearResults,
  drawCurves,
  drawFeatureMaps,
  drawGallery,
  drawLayerStd,
  drawTraining,
  type RunView,
} from './views';

interface Trained {
  network: Network;
  method: MethodName;
  view: RunView;
}

const form = byId<HTMLFormElement>('settings');
const trainButton = byId<HTMLButtonElement>('train');
const stopButton = byId<HTMLButtonElement>('stop');
const downloadButton = byId<HTMLButtonElement>('download');
const onnxButton = byId<HTMLButtonElement>('download-onnx');

let stopRequested = false;
let data: FashionMnistSubset | null = null;
let trained: Trained[] = [];
let lastSettings: Settings | null = null;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void start();
});
stopButton.addEventListener('click', () => {
  stopRequested = true;
  stopButton.disabled = true;
  setStatus('running', 'Stopping after the current batch…');
});
downloadButton.addEventListener('click', () => {
  const first = trained[0];
  if (first === undefined || lastSettings === null) return;
  const name = `anl-playground-${lastSettings.model}-${METHOD_LABELS[first.method].toLowerCase()}`;
  downloadModel(first.network.model, first.method, name).catch(showFailure);
});
onnxButton.addEventListener('click', () => {
  const first = trained[0];
  if (first === undefined || lastSettings === null) return;
  const name = `anl-${lastSettings.model}-${METHOD_LABELS[first.method].toLowerCase()}`;
  onnxButton.disabled = true;
  delete onnxButton.dataset.bytes;
  downloadOnnx(first.network.model, first.method, name)
    .then((bytes) => {
      // The byte count is what the browser test checks against the file it received.
      onnxButton.dataset.bytes = String(bytes.length);
      onnxButton.dataset.fileName = `${name}.onnx`;
    })
    .catch(showFailure)
    .finally(() => {
      onnxButton.disabled = downloadButton.disabled;
    });
});
(form.elements.namedItem('method') as HTMLSelectElement).addEventListener('change', syncEpsField);
// Anything that escapes still reaches the page as one line.
window.addEventListener('unhandledrejection', (event) => showFailure(event.reason));
syncEpsField();

async function start(): Promise<void> {
  const parsed = parseSettings(readForm());
  if (!parsed.ok) {
    showErrors(parsed.errors);
    return;
  }
  showErrors([]);
  const settings = parsed.settings;
  lastSettings = settings;
  stopRequested = false;
  setRunning(true);
  const started = performance.now();
  try {
    releaseRun();
    clearResults();
    setStatus('running', 'Starting the backend…');
    const backend = await chooseBackend(settings.backend);
    byId('backend').textContent = `${backend.name} (${backend.note})`;
    byId('backend').dataset.backend = backend.name;
    setStatus('running', 'Loading Fashion-MNIST…');
    const loaded = await loadFashionMnistSubset(settings.trainImages, settings.testImages);
    data = loaded;
    const methods: MethodName[] = settings.method === 'none' ? ['none'] : [settings.method, 'none'];
    for (const method of methods) {
      if (stopRequested) break;
      await trainOne(method, settings, loaded);
    }
    if (!stopRequested) await attackAll(settings, loaded);
    const total = ((performance.now() - started) / 1000).toFixed(1);
    if (stopRequested) {
      setStatus('stopped', `Stopped after ${total} s.`);
    } else {
      setStatus('done', `Done in ${total} s on ${backend.name}.`);
    }
  } catch (error) {
    showFailure(error);
  } finally {
    setRunning(false);
    downloadButton.disabled = trained.length === 0;
    onnxButton.disabled = trained.length === 0;
    const status = byId('status');
    status.dataset.tensors = String(tf.memory().numTensors);
    status.dataset.expectedTensors = String(expectedTensors());
  }
}

async function trainOne(method: MethodName, settings: Settings, loaded: FashionMnistSubset): Promise<void> {
  const network = buildNetwork(settings.model, method, settings.seed);
  const baseline = method === 'none' && settings.method !== 'none';
  const view: RunView = {
    label: METHOD_LABELS[method],
    color: baseline ? '#1f77b4' : '#d62728',
    dashed: baseline,
    checkpoints: [],
    epochSeconds: [],
    siteNames: network.noiseSites.map((s) => s.name),
  };
  const entry = { network, method, view };
  trained.push(entry);
  const views = trained.map((t) => t.view);
  const image = loaded.test.xs.slice(0, 1);
  try {
    const result = await trainNetwork(network, method, loaded, settings, {
      shouldStop: () => stopRequested,
      onCheckpoint: (point) => {
        view.checkpoints.push(point);
        setStatus(
          'running',
          `Training ${view.label}: epoch ${point.epoch.toFixed(2)} of ${settings.epochs}, ` +
            `test error ${(100 * point.testError).toFixed(1)} %`,
        );
        drawTraining(views);
        drawLayerStd(views);
        void firstLayerFeatures(network, image).then((features) => {
          view.features = features;
          drawFeatureMaps(views);
        });
      },
    });
    view.epochSeconds = result.epochSeconds;
    drawTraining(views);
  } finally {
    image.dispose();
  }
}

async function attackAll(settings: Settings, loaded: FashionMnistSubset): Promise<void> {
  const views = trained.map((t) => t.view);
  for (const t of trained) {
    setStatus('running', `Attacking ${t.view.label} with ${settings.attack.toUpperCase()}…`);
    const curve = await robustnessCurve(t.network.model, loaded.test, settings.attack, () => stopRequested);
    if (curve === null) return;
    t.view.curve = curve;
    drawCurves(views, settings.attack);
  }
  setStatus('running', 'Making the gallery…');
  const indices = firstOfEachClass(loaded.test.labels);
  const columns = [];
  for (const t of trained) {
    columns.push({
      label: t.view.label,
      column: await galleryColumn(t.network.model, loaded.test, indices, settings.attack),
    });
  }
  const originals = tf.gather(loaded.test.xs, indices);
  const xs = (await originals.data()) as Float32Array;
  originals.dispose();
  drawGallery(
    { xs, labels: Int32Array.from(indices, (i) => loaded.test.labels[i]) },
    columns,
    settings.attack,
  );
}

/** Tensors a finished run keeps: the data set and the trained models' weights. */
function expectedTensors(): number {
  const dataTensors = data === null ? 0 : 4;
  return dataTensors + trained.reduce((n, t) => n + t.network.model.weights.length, 0);
}

function releaseRun(): void {
  for (const t of trained) t.network.model.dispose();
  trained = [];
  if (data !== null) tf.dispose([data.train.xs, data.train.ys, data.test.xs, data.test.ys]);
  data = null;
  downloadButton.disabled = true;
  onnxButton.disabled = true;
}

function readForm(): RawSettings {
  const raw: Record<string, string> = {};
  for (const [key, value] of new FormData(form)) raw[key] = String(value);
  return raw;
}

function syncEpsField(): void {
  const method = (form.elements.namedItem('method') as HTMLSelectElement).value;
  (form.elements.namedItem('eps') as HTMLInputElement).disabled = method === 'none';
}

function setRunning(running: boolean): void {
  trainButton.disabled = running;
  stopButton.disabled = !running;
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
    el.disabled = running;
  }
  if (!running) syncEpsField();
}

function setStatus(state: 'running' | 'done' | 'stopped' | 'error', message: string): void {
  const status = byId('status');
  status.dataset.state = state;
  status.textContent = message;
}

function showErrors(errors: readonly string[]): void {
  const box = byId('errors');
  box.hidden = errors.length === 0;
  const list = document.createElement('ul');
  for (const e of errors) {
    const li = document.createElement('li');
    li.textContent = e;
    list.append(li);
  }
  box.replaceChildren(
    ...(errors.length > 0 ? [document.createTextNode('Please fix these settings:'), list] : []),
  );
}

function showFailure(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  setStatus('error', `Something went wrong: ${message}`);
}
