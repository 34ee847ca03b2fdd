#!/usr/bin/env bash
# Edge smoothing and tiling throughput on tiles from the real clip Megamind.avi (opencv-doc),
# release build, both cores. The floor, measured in the same run with the same I/O code, is
# decoding and encoding the same PNGs with OpenCV and nothing else.
#
#   Benchmarks/smooth.sh          prints a Markdown table for the README
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
clip=/usr/share/doc/opencv-doc/examples/data/Megamind.avi
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every frame of the clip, then four random 256x256 tiles from each: about 1,000 tiles.
"$bin/cel-extract" -q -i "$clip" -o "$work/d" --mode interval --interval 0.04 \
  --duplicate-distance 0 --dark-level=-1 --flat-deviation 0
frames=$(ls "$work/d/frames" | wc -l)

median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
tile_times=(); for _ in $(seq "$runs"); do
  rm -rf "$work/d/tiles" "$work/d/tiles.jsonl" "$work/d/.tiles.partial"
  python3 - "$work/d/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["stages"].pop("tile", None); json.dump(m, open(sys.argv[1], "w"))
PY
  start=$(date +%s.%N)
  "$bin/cel-tile" -q -d "$work/d" --strategy random --count 4 --min-edges 0 --min-deviation 0
  tile_times+=("$(echo "$(date +%s.%N) - $start" | bc)")
done
tiles=$(ls "$work/d/tiles" | wc -l)
tile_time=$(printf '%s\n' "${tile_times[@]}" | median)

bench() { for _ in $(seq "$runs"); do "$bin/cel-bench" images "$1" --input "$2" --limit 1000 | awk '{print $3}'; done | median; }
floor_frames=$(bench roundtrip "$work/d/frames")
floor=$(bench roundtrip "$work/d/tiles")
smooth=$(bench smooth "$work/d/tiles")
n=$(( tiles < 1000 ? tiles : 1000 ))

awk -v n="$n" -v floor="$floor" -v smooth="$smooth" -v frames="$frames" -v tiles="$tiles" \
    -v tile="$tile_time" -v floorframes="$floor_frames" -v cores="$(nproc)" 'BEGIN {
  printf "Megamind.avi, %d tiles of 256x256 (PNG), %d cores, median of 3.\n\n", n, cores
  print "| work | seconds | per second | vs floor |"
  print "|---|---:|---:|---:|"
  printf "| floor: decode + encode the tiles (OpenCV) | %.2f | %.0f tiles | 1.00 |\n", floor, n / floor
  printf "| smoothing: decode + smooth + encode | %.2f | %.0f tiles | %.2f |\n", smooth, n / smooth, smooth / floor
  printf "| floor: decode + encode the %d frames (720x528) | %.2f | %.0f frames | 1.00 |\n", frames, floorframes, frames / floorframes
  printf "| cel-tile, whole stage (%d frames in, %d tiles out) | %.2f | %.0f frames, %.0f tiles | %.2f |\n", frames, tiles, tile, frames / tile, tiles / tile, tile / floorframes
}'
