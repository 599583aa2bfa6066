export { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN } from './file-system-handler';
export { loadModel, saveModel } from './save-load';
