#!/usr/bin/env bash
# One full CartoonGAN training step (discriminator and generator, batch 4, 256x256, VGG19
# content loss): cel-bench train-step (the same libtorch code cel-train runs) next to the
# same model in PyTorch's Python API on Debian's python3-torch, in the same run, with the
# same threads and the same system BLAS. Release build. Prints a Markdown table.
#   Benchmarks/train.sh [BATCH] [SIZE] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
batch=${1:-4}; size=${2:-256}; steps=${3:-2}; threads=${THREADS:-$(nproc)}
swift build -c release --product cel-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/time -f "%M" -o "$work/ours.mem" "$bin/cel-bench" train-step --batch "$batch" --size "$size" \
  --steps "$steps" --threads "$threads" > "$work/ours"
/usr/bin/time -f "%M" -o "$work/torch.mem" /usr/bin/python3 Benchmarks/train_reference.py "$batch" "$size" \
  "$steps" "$threads" > "$work/torch"
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
awk -v ours="$(awk '{print $2}' "$work/ours")" -v torch="$(awk '{print $2}' "$work/torch")" \
    -v om="$(cat "$work/ours.mem")" -v tm="$(cat "$work/torch.mem")" -v batch="$batch" -v size="$size" \
    -v steps="$steps" -v threads="$threads" -v blas="$blas" 'BEGIN {
  printf "Batch %d of %dx%d, mean of %d steps after a warm-up, %d threads on both sides, system BLAS %s.\n\n", batch, size, size, steps, threads, blas
  print "| run | seconds per step | peak MB | time vs PyTorch |"
  print "|---|---:|---:|---:|"
  printf "| PyTorch (Python API, python3-torch 1.13.1) | %.1f | %d | 1.00 |\n", torch, tm / 1024
  printf "| Celshade (libtorch through CTorchBridge) | %.1f | %d | %.2f |\n", ours, om / 1024, ours / torch
}'
