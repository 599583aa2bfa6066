import { io } from '@tensorflow/tfjs-core';
import { fileSystemHandler } from './file-system-handler';

let ours = false;

function fileRouter(url: string | string[]): io.IOHandler | null {
  return typeof url === 'string' && url.startsWith('file://') ? fileSystemHandler(url) : null;
}

/**
 * Lets plain tfjs URLs use `fileSystemHandler`: `model.save('file://dir')`,
 * `tf.loadLayersModel('file://dir/model.json')`. Opt-in, because tfjs refuses a URL that two routers
 * claim: if another `file://` handler is registered already (tfjs-node), this registers nothing.
 * Returns true when `file://` URLs go to this package's handler.
 */
export function registerFileSystemRouter(): boolean {
  if (ours) return true;
  const probe = 'file://anl-router-probe';
  if (io.getSaveHandlers(probe).length > 0 || io.getLoadHandlers(probe).length > 0) return false;
  // tfjs types a router as always returning a handler; at run time null means "not my URL".
  const router = fileRouter as Parameters<typeof io.registerSaveRouter>[0];
  io.registerSaveRouter(router);
  io.registerLoadRouter(router);
  ours = true;
  return true;
}
