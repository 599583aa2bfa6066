#!/usr/bin/env bash
# GPU check: LeNet-5 and ResNet-20 training step and epoch times, and every method's overhead, on the
# tfjs webgpu backend (Dawn through @anl/tfjs/webgpu-node) beside wasm, then PGD-20 and APGD-CE-20 on
# LeNet-5 (batch 128) on both, in one run. Results go to OUT_DIR/gpu-check.json and .md and
# OUT_DIR/gpu-check-attacks.json and .md (default: $OUT on a device machine, else bench/results/gpu-check).
#
#   bench/gpu-check.sh [OUT_DIR] [--smoke] [--webgpu-driver system|swiftshader|auto]
#
# --smoke: end to end on a software GPU (SwiftShader) in minutes: 1 timed step, methods none and anl,
# batch 4 and one-batch epochs (--train-limit 4: ResNet-20 at batch 32 takes many minutes a step on
# SwiftShader), test accuracy on 20 images, APGD-CE-5 on 8 images. Without it (a real GPU): 10 timed steps per method, all
# methods, LeNet-5 epochs over the 6,000-image subset and ResNet-20 epochs over 512 random images.
# Needs the packages built (npm run build). See bench/README.md, "GPU check", for a device machine.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${OUT:-bench/results/gpu-check}"
if [[ $# -gt 0 && "$1" != --* ]]; then out="$1"; shift; fi
smoke=0
driver=auto
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --webgpu-driver) driver="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"

# Vulkan loader: a device machine may lack libvulkan.so.1; unpack the .deb files brought in .gl/
# (bench/README.md says how to fetch them) the way /work/.library/device/README.md describes.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' && compgen -G '.gl/*.deb' >/dev/null; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
# NVIDIA's Vulkan driver manifest where the device machines mount the driver.
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [[ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" && -f "$nvidia_icd" ]]; then
  export VK_DRIVER_FILES="$nvidia_icd"
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"

{
  echo "date: $(date -u +%FT%TZ)"
  echo "node: $(node --version)"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>/dev/null || echo 'nvidia-smi: none'
  echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-} VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
} >"$out/gpu-check-env.txt"

args=(--backend wasm,webgpu --webgpu-driver "$driver" --models lenet5,resnet20
  --epoch-backends wasm,webgpu --epoch-models lenet5,resnet20 --no-pytorch --out "$out/gpu-check.json")
if [[ $smoke == 1 ]]; then
  args+=(--methods none,anl --steps 1 --gpu-steps 1 --warmup 1 --epoch subset --train-limit 4 --test-limit 20)
else
  args+=(--steps 10 --gpu-steps 10 --warmup 3 --epoch subset)
fi
set -o pipefail
node bench/run.mjs "${args[@]}" 2>&1 | tee "$out/gpu-check.log"

# Attacks: the same trained LeNet-5 attacked on wasm, then on webgpu (robust accuracies must agree).
attack_args=(--backend wasm,webgpu --webgpu-driver "$driver" --out "$out/gpu-check-attacks.json")
if [[ $smoke == 1 ]]; then
  attack_args+=(--attacks apgd-ce --batch 8 --steps 5 --train 1024)
else
  attack_args+=(--attacks pgd,apgd-ce --batch 128 --steps 20 --train 2000)
fi
node bench/attacks.mjs "${attack_args[@]}" 2>&1 | tee -a "$out/gpu-check.log"
