#!/usr/bin/env bash
# cel-apply on a video against the generator alone: a 1920x1080 clip rendered by
# make-sample (FRAMES frames), cartoonized whole and as its first frame alone, so that
# (time of all - time of one) / (frames - 1) is the pipeline's steady time per frame, with
# loading and the first frame's setup taken out; the generator alone is cel-bench's forward
# pass on the same size (median of 3 after a warm-up). Decoding, cartoonizing and encoding
# overlap, so the two should be within a few percent. Release build.
#
#   FRAMES=8 THREADS=$(nproc) WEIGHTS=../shared/pretrained/cartoongan-hayao Benchmarks/video.sh
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${FRAMES:-8}
threads=${THREADS:-$(nproc)}
weights=${WEIGHTS:-../shared/pretrained/cartoongan-hayao}
swift build -c release --product cel-apply >/dev/null
swift build -c release --product make-sample >/dev/null
swift build -c release --product cel-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -f "$weights/conv01_1.weight.npy" ]; then
  weights=$work/seeded
  /usr/bin/python3 References/published_weights.py "$weights" 7
fi
rate=24
"$bin/make-sample" -o "$work/clip.mp4" --width 1920 --rate "$rate" \
  --seconds "$(awk -v f="$frames" -v r="$rate" 'BEGIN { printf "%.4f", f / r }')" >/dev/null
"$bin/make-sample" -o "$work/one.mp4" --width 1920 --rate "$rate" \
  --seconds "$(awk -v r="$rate" 'BEGIN { printf "%.4f", 1 / r }')" >/dev/null

seconds() { /usr/bin/time -f "%e" -o "$work/time" "$@" >/dev/null; cat "$work/time"; }
all=$(seconds "$bin/cel-apply" -q --threads "$threads" --model "$weights" -i "$work/clip.mp4" -o "$work/all.mp4")
one=$(seconds "$bin/cel-apply" -q --threads "$threads" --model "$weights" -i "$work/one.mp4" -o "$work/one-out.mp4")
alone=$("$bin/cel-bench" generator --weights "$weights" --width 1920 --height 1080 \
  --threads "$threads" | awk '{print $2}')
awk -v all="$all" -v one="$one" -v frames="$frames" -v alone="$alone" 'BEGIN {
  frame = (all - one) / (frames - 1)
  printf "| run | seconds a frame | frames a second | vs the generator alone |\n|---|---:|---:|---:|\n"
  printf "| generator forward pass alone (cel-bench) | %.2f | %.3f | 1.00 |\n", alone, 1 / alone
  printf "| cel-apply on a %d-frame 1080p clip, steady state | %.2f | %.3f | %.3f |\n", frames, frame, 1 / frame, alone / frame
}'
