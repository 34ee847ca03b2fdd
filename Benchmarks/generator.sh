#!/usr/bin/env bash
# The generator on a 1920x1080 photo with the published Hayao weights: cel-apply (tiled,
# bounded memory) next to the same network in PyTorch's Python API on Debian's
# python3-torch (whole picture), in the same run, with the same threads and the same
# system BLAS. Release build. Prints a Markdown table for the README.
#
#   Benchmarks/generator.sh [WEIGHTS_FOLDER]    (default: ../shared/pretrained/cartoongan-hayao)
set -euo pipefail
cd "$(dirname "$0")/.."
weights=${1:-../shared/pretrained/cartoongan-hayao}
runs=${RUNS:-3}
threads=${THREADS:-$(nproc)}
swift build -c release --product cel-apply >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A real photo from opencv-doc at 1920x1080, as PNG for cel-apply and as the network's
# input tensor (BGR, [-1, 1]) for PyTorch: both see the same pixels.
/usr/bin/python3 - "$work" <<'PY'
import sys, cv2, numpy as np
photo = cv2.imread("/usr/share/doc/opencv-doc/examples/data/fruits.jpg")
big = cv2.resize(photo, (1920, 1080), interpolation=cv2.INTER_CUBIC)
cv2.imwrite(sys.argv[1] + "/photo.png", big)
np.save(sys.argv[1] + "/photo.npy", (big.astype(np.float32) / 127.5 - 1).transpose(2, 0, 1)[None].copy())
PY

median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
ours=(); ours_peak=0; torch_wall=(); torch_forward=(); torch_peak=0
for _ in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin/cel-apply" -q --overwrite --threads "$threads" \
    --model "$weights" -i "$work/photo.png" -o "$work/cartoon.png"
  read -r wall rss < "$work/time"; ours+=("$wall"); (( rss > ours_peak )) && ours_peak=$rss
  /usr/bin/time -f "%e %M" -o "$work/time" /usr/bin/python3 Tests/ModelTests/Reference/cartoongan_reference.py \
    "$weights" "$work/photo.npy" "$work/reference.npy" "$threads" > "$work/forward"
  read -r wall rss < "$work/time"; torch_wall+=("$wall"); (( rss > torch_peak )) && torch_peak=$rss
  torch_forward+=("$(awk '{print $2}' "$work/forward")")
done
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
ours_median=$(printf '%s\n' "${ours[@]}" | median)
wall_median=$(printf '%s\n' "${torch_wall[@]}" | median)
forward_median=$(printf '%s\n' "${torch_forward[@]}" | median)
awk -v ours="$ours_median" -v wall="$wall_median" -v forward="$forward_median" \
    -v opeak="$ours_peak" -v tpeak="$torch_peak" -v threads="$threads" -v blas="$blas" -v runs="$runs" 'BEGIN {
  printf "1920x1080 photo, Hayao weights, %d threads on both sides, system BLAS %s, median of %d.\n\n", threads, blas, runs
  print "| run | seconds | peak MB | time vs PyTorch |"
  print "|---|---:|---:|---:|"
  printf "| PyTorch (Python API, python3-torch 1.13.1), forward pass alone | %.1f | %d | 1.00 |\n", forward, tpeak / 1024
  printf "| PyTorch, whole process (import, load, forward) | %.1f | %d | %.2f |\n", wall, tpeak / 1024, wall / forward
  printf "| cel-apply, whole process (load, read PNG, tiled forward, write PNG) | %.1f | %d | %.2f |\n", ours, opeak / 1024, ours / forward
}'
