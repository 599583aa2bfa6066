export {
  randomCropFlip,
  cropFlipAugmenter,
  channelStats,
  normalizePerChannel,
  type CropFlipOptions,
} from './augment';
export {
  parseCifar,
  cifarToImageSet,
  cifarRecordBytes,
  type CifarParseOptions,
  type CifarRecords,
} from './cifar';
export { parseIdx, encodeIdx, isGzip, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxArray } from './idx';
export {
  idxToImageSet,
  pixelsToImageSet,
  checkedLabels,
  disposeImageSet,
  type ImageSet,
} from './image-set';
export { seededUniform, shuffledIndices } from './seeded-random';
export { imageSetToDataset, type ToDatasetOptions } from './to-dataset';
