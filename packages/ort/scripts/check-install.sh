#!/usr/bin/env bash
# Packs @anl/core, @anl/onnx and @anl/ort, installs the tarballs into an empty project (no .npmrc)
# with onnxruntime-node at the version given (default: what npm picks from the peer range), and runs
# @anl/core's conformance kit on OrtTensorOps there. Needs the packages built (npx turbo run build).
#   packages/ort/scripts/check-install.sh 1.20.1
# The two variables skip onnxruntime-node's CUDA download (ONNXRUNTIME_NODE_INSTALL from 1.2x on,
# ONNXRUNTIME_NODE_INSTALL_CUDA before); without them the install fails offline on Linux x64.
set -euo pipefail
version="${1:-}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/tgz" "$work/app"
for p in core onnx ort; do (cd "$root/packages/$p" && npm pack --silent --pack-destination "$work/tgz" >/dev/null); done
cd "$work/app"
echo '{ "name": "consumer", "version": "1.0.0", "private": true, "type": "module" }' > package.json
ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm install --no-fund --no-audit \
  "$work"/tgz/*.tgz ${version:+"onnxruntime-node@$version"}
cat > conformance.mjs <<'JS'
import { createRequire } from 'node:module';
import { conformanceCases } from '@anl/core/conformance';
import { OrtTensorOps } from '@anl/ort';

const version = createRequire(import.meta.url)('onnxruntime-node/package.json').version;
const failed = [];
let passed = 0;
for (const c of conformanceCases(new OrtTensorOps())) {
  try {
    await c.run();
    passed++;
  } catch (e) {
    failed.push(`${c.name}: ${e.message}`);
  }
}
console.log(`onnxruntime-node ${version}: ${passed} conformance cases passed, ${failed.length} failed`);
for (const f of failed) console.log(f);
process.exit(failed.length === 0 ? 0 : 1);
JS
node conformance.mjs
