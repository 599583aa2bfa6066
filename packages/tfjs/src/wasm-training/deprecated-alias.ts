/**
 * @anl/tfjs/wasm-training — deprecated alias of `@anl/tfjs/training-kernels` (the kernels serve the
 * cpu backend as well as wasm, so the old name said too little). Same module, same registration:
 * it re-exports the new entry by package name, so importing both registers the kernels once.
 * @deprecated Import `@anl/tfjs/training-kernels` instead.
 */
export * from '@anl/tfjs/training-kernels';
