#!/usr/bin/env bash
# The generator on photos of 868x600 (opencv-doc's building.jpg), 1920x1080 and 3840x2160
# (fruits.jpg scaled): cel-apply, the whole process, next to PyTorch's forward pass alone
# over the whole picture under inference_mode (Debian's python3-torch, the same threads and
# the same system BLAS), in the same run. Both outputs are compared as 8-bit pictures: the
# mean and 99th percentile of the difference in grey levels. Two networks: the published
# Hayao weights (seeded weights in the same layout where they are absent), and the network
# cel-train trains (batch norm, seeded weights as a Celshade checkpoint). Up to 1080p, the
# model cel-export writes also runs in ONNX Runtime and OpenVINO (the venv Scripts/setup
# makes in /opt/celshade/venv-onnx), the fastest CPU runtimes, with their outputs compared
# to PyTorch's and cel-apply's time over theirs. Release build. Prints a Markdown table for the README.
#
#   Benchmarks/generator.sh [WEIGHTS_FOLDER]   (default: ../shared/pretrained/cartoongan-hayao)
#   RUNS=3 (per size up to 1080p; 4K runs once), THREADS=$(nproc), SIZES="868x600 1920x1080 3840x2160"
set -euo pipefail
cd "$(dirname "$0")/.."
# Scripts/pypi-torch sets these to run against PyPI's torch 2.15.
python=${CELSHADE_PYTHON:-/usr/bin/python3}; scratch=${CELSHADE_SCRATCH:-.build}
onnx_python=${CELSHADE_ONNX_PYTHON:-/opt/celshade/venv-onnx/bin/python3}
weights=${1:-../shared/pretrained/cartoongan-hayao}
runs=${RUNS:-3}
threads=${THREADS:-$(nproc)}
sizes=${SIZES:-868x600 1920x1080 3840x2160}
swift build -c release --scratch-path "$scratch" --product cel-apply >/dev/null
swift build -c release --scratch-path "$scratch" --product cel-export >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
label="published Hayao"
if [ ! -f "$weights/conv01_1.weight.npy" ]; then
  weights=$work/seeded
  "$python" References/published_weights.py "$weights" 7
  label="published layout, seeded"
fi

# photo WIDTHxHEIGHT: the PNG cel-apply reads and the network's input tensor for PyTorch,
# from the same pixels (BGR for the published weights).
photo() {
  "$python" - "$work" "$1" <<'PY'
import sys, cv2, numpy as np
folder, size = sys.argv[1], sys.argv[2]
width, height = map(int, size.split("x"))
source = "building.jpg" if size == "868x600" else "fruits.jpg"
image = cv2.imread("/usr/share/doc/opencv-doc/examples/data/" + source)
if image.shape[:2] != (height, width):
    image = cv2.resize(image, (width, height), interpolation=cv2.INTER_CUBIC)
cv2.imwrite("%s/%s.png" % (folder, size), image)
np.save("%s/%s.npy" % (folder, size), (image.astype(np.float32) / 127.5 - 1).transpose(2, 0, 1)[None].copy())
PY
}

# compare OURS REFERENCE: "mean p99" of the 8-bit difference; each a PNG or a .npy of BGR
# planes in [-1, 1].
compare() {
  "$python" - "$@" <<'PY'
import sys, cv2, numpy as np
def levels(path):
    if path.endswith(".npy"):
        planes = np.load(path)[0].transpose(1, 2, 0)
        return np.clip(np.round((planes + 1) * 127.5), 0, 255)
    return cv2.imread(path).astype(np.float32)
difference = np.abs(levels(sys.argv[1]) - levels(sys.argv[2]))
print("%.3f %.1f" % (difference.mean(), np.percentile(difference, 99)))
PY
}

median() { sort -n | sed -n "$(( ($1 + 1) / 2 ))p"; }
# measure LABEL SIZE MODEL COUNT REFERENCE_OUTPUT PEER...: cel-apply and the peer,
# alternating COUNT times, then two table rows.
measure() {
  local label=$1 size=$2 model=$3 count=$4 reference=$5; shift 5
  local ours=() forward=() ours_peak=0 torch_peak=0 wall rss
  for _ in $(seq "$count"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin/cel-apply" -q --overwrite --threads "$threads" \
      --model "$model" -i "$work/$size.png" -o "$work/cartoon.png"
    read -r wall rss < "$work/time"; ours+=("$wall"); (( rss > ours_peak )) && ours_peak=$rss
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/forward"
    read -r wall rss < "$work/time"; (( rss > torch_peak )) && torch_peak=$rss
    forward+=("$(awk '{print $2}' "$work/forward")")
  done
  local difference
  difference=$(compare "$work/cartoon.png" "$reference")
  ours_median=$(printf '%s\n' "${ours[@]}" | median "$count")
  forward_median=$(printf '%s\n' "${forward[@]}" | median "$count")
  awk -v label="$label" -v size="$size" -v ours="$ours_median" \
      -v forward="$forward_median" -v opeak="$ours_peak" \
      -v tpeak="$torch_peak" -v difference="$difference" 'BEGIN {
    split(difference, d, " ")
    printf "| %s | %s | PyTorch forward pass alone | %.1f | %d | 1.00 | |\n", label, size, forward, tpeak / 1024
    printf "| %s | %s | cel-apply, whole process | %.1f | %d | %.2f | mean %s, p99 %s |\n", label, size, ours, opeak / 1024, ours / forward, d[1], d[2]
  }'
}

# runtimes LABEL SIZE WEIGHTS INPUT.npy ORDER REFERENCE: the exported model in ONNX Runtime
# and OpenVINO (the forward pass alone, best of two after a warm-up), one row each, with
# cel-apply's time (its median above) over theirs.
runtimes() {
  local label=$1 size=$2 weights=$3 input=$4 order=$5 reference=$6 runtime wall rss
  # One model per network: its height and width are dynamic.
  local model=$work/$(basename "$weights").onnx
  [ -f "$model" ] || "$bin/cel-export" --from "$weights" --to "$model" >/dev/null
  for runtime in onnxruntime openvino; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$onnx_python" Benchmarks/onnx_forward.py \
      "$runtime" "$model" "$input" "$order" "$threads" "$work/$runtime.npy" >"$work/forward"
    read -r wall rss < "$work/time"
    awk -v label="$label" -v size="$size" -v runtime="$runtime" -v peak="$rss" \
        -v seconds="$(awk '{print $2}' "$work/forward")" -v ours="$ours_median" \
        -v torch="$forward_median" -v difference="$(compare "$work/$runtime.npy" "$reference")" 'BEGIN {
      split(difference, d, " ")
      printf "| %s | %s | %s forward pass alone (cel-export) | %.1f | %d | %.2f | mean %s, p99 %s |\n", label, size, runtime, seconds, peak / 1024, seconds / torch, d[1], d[2]
      printf "| %s | %s | cel-apply over %s | | | **%.2f** | |\n", label, size, runtime, ours / seconds
    }'
  done
}

blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
printf "%d threads on both sides, system BLAS %s, median of %d runs (one at 3840x2160).\n" "$threads" "$blas" "$runs"
printf "cel-apply's time is the whole process (load, read PNG, forward, write PNG); peak MB is\n"
printf "each process's; the difference is cel-apply's 8-bit output against PyTorch's, in grey levels.\n\n"
echo "| network | size | run | seconds | peak MB | time vs PyTorch | output vs PyTorch |"
echo "|---|---|---|---:|---:|---:|---|"
for size in $sizes; do
  photo "$size"
  count=$runs; [ "$size" = 3840x2160 ] && count=1
  measure "$label" "$size" "$weights" "$count" "$work/reference.npy" "$python" \
    References/cartoongan_reference.py "$weights" "$work/$size.npy" "$work/reference.npy" "$threads"
  [ "$size" = 3840x2160 ] || runtimes "$label" "$size" "$weights" "$work/$size.npy" bgr "$work/reference.npy"
done
[ -f "$work/1920x1080.png" ] || photo 1920x1080
"$python" References/trained_generator_reference.py export "$work/trained.safetensors" \
  "$work/1920x1080.png" "$work/trained.npy"
measure "trained, batch norm" 1920x1080 "$work/trained.safetensors" "$runs" "$work/reference.png" \
  "$python" References/trained_generator_reference.py forward "$work/trained.safetensors" \
  "$work/trained.npy" "$threads" "$work/reference.png"
runtimes "trained, batch norm" 1920x1080 "$work/trained.safetensors" "$work/trained.npy" rgb \
  "$work/reference.png"
