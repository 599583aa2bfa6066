// The embedded Fashion-MNIST subset of @anl/models, fetched as the static files the Vite build
// copies next to the page (see vite.config.ts), gunzipped by the browser and parsed with @anl/models.
import {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  type ImageSet,
  idxToImageSet,
  isGzip,
  parseIdx,
} from '@anl/models';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Where the build puts the subset, relative to the page. */
export const SUBSET_URL = `${import.meta.env.BASE_URL}data/fashion-mnist-subset/`;

export interface FashionMnistSubset {
  train: ImageSet;
  test: ImageSet;
}

/** The first `trainImages` training and `testImages` test images of the subset (classes interleaved). */
export async function loadFashionMnistSubset(
  trainImages: number,
  testImages: number,
): Promise<FashionMnistSubset> {
  const [trainX, trainY, testX, testY] = await Promise.all(
    [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ].map(fetchBytes),
  );
  const train = firstImages(trainX, trainY, trainImages, 'train');
  const test = firstImages(testX, testY, testImages, 't10k');
  return { train, test };
}

function firstImages(images: Uint8Array, labels: Uint8Array, count: number, prefix: string): ImageSet {
  const x = parseIdx(images, `${prefix}-images`, IDX_IMAGES_MAGIC);
  const y = parseIdx(labels, `${prefix}-labels`, IDX_LABELS_MAGIC);
  const n = Math.min(count, x.dims[0]);
  const pixels = x.dims[1] * x.dims[2];
  return idxToImageSet(
    { dims: [n, x.dims[1], x.dims[2]], data: x.data.subarray(0, n * pixels) },
    { dims: [n], data: y.data.subarray(0, n) },
    { imagesName: `${prefix}-images`, labelsName: `${prefix}-labels` },
  );
}

async function fetchBytes(name: string): Promise<Uint8Array> {
  const response = await fetch(SUBSET_URL + name);
  if (!response.ok) {
    throw new Error(`could not fetch ${SUBSET_URL}${name}: HTTP ${response.status} ${response.statusText}`);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  // A server that sends the file with Content-Encoding: gzip has already had it unpacked.
  if (!isGzip(bytes)) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
