export {
  type CropFlipOptions,
  channelStats,
  cropFlipAugmenter,
  normalizePerChannel,
  randomCropFlip,
} from './augment';
export {
  type CifarParseOptions,
  type CifarRecords,
  cifarRecordBytes,
  cifarToImageSet,
  parseCifar,
} from './cifar';
export { encodeIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxArray, isGzip, parseIdx } from './idx';
export {
  checkedLabels,
  disposeImageSet,
  type ImageSet,
  idxToImageSet,
  pixelsToImageSet,
} from './image-set';
export { seededUniform, shuffledIndices } from './seeded-random';
export { imageSetToDataset, type ToDatasetOptions } from './to-dataset';
