/** Command-line options of `npm run bench` (node bench/run.mjs [options]). */
export const USAGE = `usage: node bench/run.mjs [options]
  --quick               small run (~2 min): fewer steps, epoch on a 6,000-image subset, ResNet-20 3 steps
  --backend <b>         cpu | wasm | webgpu | both (= cpu,wasm) | a comma list, e.g. wasm,webgpu (default both);
                        webgpu always runs last (tensors cannot leave the GPU synchronously in Node)
  --steps <n>           timed steps per method on wasm (default 30; cpu uses --cpu-steps)
  --cpu-steps <n>       timed steps per method on cpu (default 10: the cpu backend is slow)
  --gpu-steps <n>       timed steps per method on webgpu (default 10; ResNet-20 at most 10)
  --webgpu-driver <d>   system | swiftshader | auto (default auto: the system's Vulkan driver if one is
                        installed, else Chromium's SwiftShader, a software GPU)
  --epoch-backends <l>  backends that time whole epochs (default wasm; e.g. wasm,webgpu)
  --train-limit <n>     training images loaded (default: all; 6,000 with --quick or --epoch subset; ResNet-20's
                        random set has 512 unless this is given)
  --test-limit <n>      Fashion-MNIST test images for the epoch's accuracy (default all 10,000)
  --epoch-models <l>    models whose epochs are timed (default lenet5; resnet20 epochs run on its
                        512 random images)
  --warmup <n>          untimed steps before timing (default 3)
  --models <list>       comma list of lenet5,resnet20 (default both)
  --methods <list>      comma list of none,anl,canl,lat,gaussian (default all)
  --epoch <mode>        full | subset | none: whole-epoch timing on wasm (default full = 60,000 images)
  --accuracy            also train one epoch of the baseline on cpu AND wasm from the same weights and
                        compare test accuracy (slow on cpu: ~5-10 min)
  --stock-cpu           also time the stock tfjs cpu kernels (2 steps; ~10 s each)
  --no-pytorch          skip the PyTorch reference
  --out <file>          results JSON (default bench/results/<date>.json)
  --update-readme       write the tables into the Benchmarks section of bench/README.md
  --help`;

export function parseArgs(argv) {
  const o = {
    quick: false,
    backends: ['cpu', 'wasm'],
    steps: 30,
    cpuSteps: 10,
    gpuSteps: 10,
    webgpuDriver: 'auto',
    epochBackends: ['wasm'],
    epochModels: ['lenet5'],
    trainLimit: undefined,
    testLimit: undefined,
    warmup: 3,
    models: ['lenet5', 'resnet20'],
    methods: ['none', 'anl', 'canl', 'lat', 'gaussian'],
    epoch: 'full',
    accuracy: false,
    stockCpu: false,
    pytorch: true,
    out: undefined,
    updateReadme: false,
    help: false,
  };
  const explicit = new Set();
  const value = (i, name) => {
    if (i + 1 >= argv.length) throw new Error(`${name} needs a value\n${USAGE}`);
    return argv[i + 1];
  };
  const positive = (s, name) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${s}`);
    return n;
  };
  const list = (s, allowed, name) => {
    const items = s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    for (const x of items)
      if (!allowed.includes(x)) throw new Error(`${name}: '${x}' is not one of ${allowed}`);
    return items;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--quick':
        o.quick = true;
        break;
      case '--backend': {
        const b = value(i++, a);
        o.backends = b === 'both' ? ['cpu', 'wasm'] : list(b, ['cpu', 'wasm', 'webgpu'], a);
        break;
      }
      case '--gpu-steps':
        o.gpuSteps = positive(value(i++, a), a);
        explicit.add('gpuSteps');
        break;
      case '--webgpu-driver': {
        const d = value(i++, a);
        if (!['system', 'swiftshader', 'auto'].includes(d))
          throw new Error(`--webgpu-driver must be system, swiftshader or auto, got ${d}`);
        o.webgpuDriver = d;
        break;
      }
      case '--epoch-backends':
        o.epochBackends = list(value(i++, a), ['cpu', 'wasm', 'webgpu'], a);
        break;
      case '--test-limit':
        o.testLimit = positive(value(i++, a), a);
        break;
      case '--train-limit':
        o.trainLimit = positive(value(i++, a), a);
        break;
      case '--epoch-models':
        o.epochModels = list(value(i++, a), ['lenet5', 'resnet20'], a);
        break;
      case '--steps':
        o.steps = positive(value(i++, a), a);
        explicit.add('steps');
        break;
      case '--cpu-steps':
        o.cpuSteps = positive(value(i++, a), a);
        explicit.add('cpuSteps');
        break;
      case '--warmup':
        o.warmup = positive(value(i++, a), a);
        explicit.add('warmup');
        break;
      case '--models':
        o.models = list(value(i++, a), ['lenet5', 'resnet20'], a);
        break;
      case '--methods':
        o.methods = list(value(i++, a), ['none', 'anl', 'canl', 'lat', 'gaussian'], a);
        break;
      case '--epoch': {
        const e = value(i++, a);
        if (!['full', 'subset', 'none'].includes(e))
          throw new Error(`--epoch must be full, subset or none, got ${e}`);
        o.epoch = e;
        explicit.add('epoch');
        break;
      }
      case '--accuracy':
        o.accuracy = true;
        break;
      case '--stock-cpu':
        o.stockCpu = true;
        break;
      case '--no-pytorch':
        o.pytorch = false;
        break;
      case '--out':
        o.out = value(i++, a);
        break;
      case '--update-readme':
        o.updateReadme = true;
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  if (o.quick) {
    if (!explicit.has('steps')) o.steps = 10;
    if (!explicit.has('cpuSteps')) o.cpuSteps = 3;
    if (!explicit.has('gpuSteps')) o.gpuSteps = 3;
    if (!explicit.has('warmup')) o.warmup = 2;
    if (!explicit.has('epoch')) o.epoch = 'subset';
  }
  // Tensors that live on webgpu cannot be read synchronously in Node, so no backend may follow it.
  o.backends = [...o.backends.filter((b) => b !== 'webgpu'), ...o.backends.filter((b) => b === 'webgpu')];
  return o;
}
