#!/usr/bin/env bash
# The generator on a 1920x1080 photo: cel-apply (tiled, bounded memory) next to the same
# network in PyTorch's Python API on Debian's python3-torch (whole picture), in the same
# run, with the same threads and the same system BLAS. Two networks: the published Hayao
# weights, and the network cel-train trains (batch norm, seeded weights written as a
# Celshade checkpoint file). Release build. Prints a Markdown table for the README.
#
#   Benchmarks/generator.sh [WEIGHTS_FOLDER]    (default: ../shared/pretrained/cartoongan-hayao)
set -euo pipefail
cd "$(dirname "$0")/.."
weights=${1:-../shared/pretrained/cartoongan-hayao}
runs=${RUNS:-3}
threads=${THREADS:-$(nproc)}
photo=/usr/share/doc/opencv-doc/examples/data/fruits.jpg
swift build -c release --product cel-apply >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The same pixels for both sides: PNG for cel-apply, the network's input tensor for PyTorch
# (BGR for the published weights, RGB for the trained network).
/usr/bin/python3 - "$work" "$photo" <<'PY'
import sys, cv2, numpy as np
big = cv2.resize(cv2.imread(sys.argv[2]), (1920, 1080), interpolation=cv2.INTER_CUBIC)
cv2.imwrite(sys.argv[1] + "/photo.png", big)
np.save(sys.argv[1] + "/photo.npy", (big.astype(np.float32) / 127.5 - 1).transpose(2, 0, 1)[None].copy())
PY
/usr/bin/python3 Benchmarks/trained_generator_reference.py export "$work/trained.safetensors" \
  "$work/photo.png" "$work/trained.npy"

median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
# measure LABEL MODEL PNG PEER... : cel-apply and the peer, alternating, then one table row pair.
measure() {
  local label=$1 model=$2 png=$3; shift 3
  local ours=() forward=() ours_peak=0 torch_peak=0 wall rss
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin/cel-apply" -q --overwrite --threads "$threads" \
      --model "$model" -i "$png" -o "$work/cartoon.png"
    read -r wall rss < "$work/time"; ours+=("$wall"); (( rss > ours_peak )) && ours_peak=$rss
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/forward"
    read -r wall rss < "$work/time"; (( rss > torch_peak )) && torch_peak=$rss
    forward+=("$(awk '{print $2}' "$work/forward")")
  done
  awk -v label="$label" -v ours="$(printf '%s\n' "${ours[@]}" | median)" \
      -v forward="$(printf '%s\n' "${forward[@]}" | median)" -v opeak="$ours_peak" -v tpeak="$torch_peak" 'BEGIN {
    printf "| %s | PyTorch forward pass alone | %.1f | %d | 1.00 |\n", label, forward, tpeak / 1024
    printf "| %s | cel-apply, whole process | %.1f | %d | %.2f |\n", label, ours, opeak / 1024, ours / forward
  }'
}

blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
printf "1920x1080 photo, %d threads on both sides, system BLAS %s, median of %d. cel-apply's\n" "$threads" "$blas" "$runs"
printf "time is the whole process (load, read PNG, tiled forward, write PNG); peak MB is the process's.\n\n"
echo "| network | run | seconds | peak MB | time vs PyTorch |"
echo "|---|---|---:|---:|---:|"
measure "published Hayao" "$weights" "$work/photo.png" /usr/bin/python3 \
  Tests/ModelTests/Reference/cartoongan_reference.py "$weights" "$work/photo.npy" "$work/reference.npy" "$threads"
measure "trained, batch norm" "$work/trained.safetensors" "$work/photo.png" /usr/bin/python3 \
  Benchmarks/trained_generator_reference.py forward "$work/trained.safetensors" "$work/trained.npy" "$threads" \
  "$work/reference.png"
# The last cel-apply output (tiled) against PyTorch's whole-picture output, same weights.
/usr/bin/python3 - "$work/cartoon.png" "$work/reference.png" <<'PY'
import sys, cv2, numpy as np
ours, reference = (cv2.imread(p).astype(np.float32) for p in sys.argv[1:3])
difference = np.abs(ours - reference)
print("\nTrained network, cel-apply's tiled output against PyTorch's whole-picture output: "
      "mean difference %.5f grey levels, largest %d." % (difference.mean(), difference.max()))
PY
