#!/usr/bin/env bash
# One full CartoonGAN training step (discriminator and generator, batch 4, 256x256, VGG19
# content loss): cel-bench train-step (the same libtorch code cel-train runs) next to the
# same model in PyTorch's Python API on Debian's python3-torch (References/cartoongan_torch.py),
# in the same run, alternating, with the same threads and the same system BLAS. Release
# build. Prints a Markdown table: medians of RUNS processes, each the mean of STEPS steps
# after a warm-up.
#   Benchmarks/train.sh [BATCH] [SIZE] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
# Scripts/pypi-torch sets these to run against PyPI's torch 2.15.
python=${CELSHADE_PYTHON:-/usr/bin/python3}; scratch=${CELSHADE_SCRATCH:-.build}
batch=${1:-4}; size=${2:-256}; steps=${3:-2}; threads=${THREADS:-$(nproc)}; runs=${RUNS:-3}
swift build -c release --scratch-path "$scratch" --product cel-bench >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
ours=(); torch=(); ours_peak=0; torch_peak=0
for _ in $(seq "$runs"); do
  /usr/bin/time -f "%M" -o "$work/mem" "$bin/cel-bench" train-step --batch "$batch" --size "$size" \
    --steps "$steps" --threads "$threads" > "$work/out"
  ours+=("$(awk '{print $2}' "$work/out")"); (( $(cat "$work/mem") > ours_peak )) && ours_peak=$(cat "$work/mem")
  /usr/bin/time -f "%M" -o "$work/mem" "$python" References/train_reference.py "$batch" "$size" \
    "$steps" "$threads" > "$work/out"
  torch+=("$(awk '{print $2}' "$work/out")"); (( $(cat "$work/mem") > torch_peak )) && torch_peak=$(cat "$work/mem")
done
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
awk -v ours="$(printf '%s\n' "${ours[@]}" | median)" -v torch="$(printf '%s\n' "${torch[@]}" | median)" \
    -v all_ours="${ours[*]}" -v all_torch="${torch[*]}" -v om="$ours_peak" -v tm="$torch_peak" \
    -v version="$("$python" -c 'import torch; print(torch.__version__)')" -v batch="$batch" -v size="$size" -v steps="$steps" -v threads="$threads" -v blas="$blas" -v runs="$runs" 'BEGIN {
  printf "Batch %d of %dx%d, median of %d processes (each the mean of %d steps after a warm-up), %d threads on both sides, system BLAS %s.\n\n", batch, size, size, runs, steps, threads, blas
  print "| run | seconds per step | every run | peak MB | time vs PyTorch |"
  print "|---|---:|---|---:|---:|"
  printf "| PyTorch (Python API, %s) | %.1f | %s | %d | 1.00 |\n", version, torch, all_torch, tm / 1024
  printf "| Celshade (libtorch through CTorchBridge) | %.1f | %s | %d | %.2f |\n", ours, all_ours, om / 1024, ours / torch
}'
