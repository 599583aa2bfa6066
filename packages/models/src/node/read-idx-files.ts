import { basename } from 'node:path';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx } from '../datasets/idx';
import { checkNumClasses, type ImageSet, idxToImageSet } from '../datasets/image-set';
import { type ProgressOption, readMaybeGzipped } from './read-bytes';

/**
 * Read an IDX images file and its IDX labels file (each gzipped or not) into an ImageSet:
 * xs [N, rows, cols, 1] in [0, 1], ys one-hot. Validates magic numbers, sizes and that the counts
 * agree (AnlError 'DATA_FORMAT' naming the file otherwise).
 */
export async function readIdxImageSet(
  imagesPath: string,
  labelsPath: string,
  options: { numClasses?: number; progress?: ProgressOption } = {},
): Promise<ImageSet> {
  // Checked before any file is read: a bad count is the caller's mistake, not the data's.
  checkNumClasses(options.numClasses ?? 10, 'options.numClasses');
  const [imageBytes, labelBytes] = await Promise.all([
    readMaybeGzipped(imagesPath, options.progress),
    readMaybeGzipped(labelsPath, options.progress),
  ]);
  const images = parseIdx(imageBytes, imagesPath, IDX_IMAGES_MAGIC);
  const labels = parseIdx(labelBytes, labelsPath, IDX_LABELS_MAGIC);
  return idxToImageSet(images, labels, {
    numClasses: options.numClasses,
    imagesName: basename(imagesPath),
    labelsName: basename(labelsPath),
  });
}
