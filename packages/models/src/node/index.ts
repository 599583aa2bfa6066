export {
  cacheFashionMnistDir,
  embeddedFashionMnistDir,
  FASHION_MNIST_FILES,
  type FashionMnistPaths,
  fashionMnistFilesIn,
  fashionMnistNotFound,
  fashionMnistSearchPath,
  findFashionMnist,
  SYSTEM_FASHION_MNIST_DIR,
} from './fashion-mnist-location';
export {
  FASHION_MNIST_CLASSES,
  type FashionMnist,
  type LoadFashionMnistOptions,
  loadFashionMnist,
} from './load-fashion-mnist';
export { type ProgressOption, type ReadProgress, readMaybeGzipped } from './read-bytes';
export { readCifarFiles } from './read-cifar-files';
export { readIdxImageSet } from './read-idx-files';
