export { registerFileSystemRouter } from './file-router';
export { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN } from './file-system-handler';
export { loadModel, saveModel } from './save-load';
