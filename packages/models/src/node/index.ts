export {
  FASHION_MNIST_FILES,
  SYSTEM_FASHION_MNIST_DIR,
  cacheFashionMnistDir,
  embeddedFashionMnistDir,
  fashionMnistFilesIn,
  fashionMnistNotFound,
  fashionMnistSearchPath,
  findFashionMnist,
  type FashionMnistPaths,
} from './fashion-mnist-location';
export {
  FASHION_MNIST_CLASSES,
  loadFashionMnist,
  type FashionMnist,
  type LoadFashionMnistOptions,
} from './load-fashion-mnist';
export { readMaybeGzipped, type ProgressOption, type ReadProgress } from './read-bytes';
export { readCifarFiles } from './read-cifar-files';
export { readIdxImageSet } from './read-idx-files';
