#!/usr/bin/env bash
# Keyframe and scene extraction: cel-extract next to the ffmpeg program on the same film,
# in the same run. Release build. Prints a Markdown table for the README.
#
#   Benchmarks/extract.sh [SECONDS]     (default 600: a 10-minute 1920x1080 H.264 film)
#
# The film is rendered once by make-sample (key frame every 2 s) and kept in
# Benchmarks/.cache/. The ffmpeg program is the peer being measured against, nothing more;
# Celshade itself links FFmpeg's libraries.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
runs=${RUNS:-3}
command -v ffmpeg >/dev/null && [ -x /usr/bin/time ] || {
  echo "needs the ffmpeg program and GNU time: apt-get install ffmpeg time" >&2; exit 1; }

swift build -c release --product cel-extract >/dev/null
swift build -c release --product make-sample >/dev/null
bin=$(swift build -c release --show-bin-path)
cache=Benchmarks/.cache
film=$cache/film-1080p-${seconds}s.mp4
mkdir -p "$cache"
if [ ! -f "$film" ]; then
  "$bin/make-sample" -o "$cache/partial.mp4" --width 1920 --rate 25 --seconds "$seconds" \
    --keyframe-seconds 2 --preset ultrafast >&2
  mv "$cache/partial.mp4" "$film"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME COMMAND...: median wall seconds and the largest peak RSS (MB) over $runs runs.
measure() {
  local name=$1; shift
  local times=() peak=0
  for _ in $(seq "$runs"); do
    rm -rf "$work/out" && mkdir -p "$work/out"
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
      cat "$work/stderr" >&2; exit 1; }
    read -r wall rss < "$work/time"
    times+=("$wall")
    (( rss > peak )) && peak=$rss
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  local files
  files=$(find "$work/out" -name '*.png' | wc -l)
  echo "$name $median $(( peak / 1024 )) $files"
}

unfiltered=(--no-crop-bars --duplicate-distance 0 --dark-level=-1 --bright-level 256 --flat-deviation 0)
results=$(
  measure ffmpeg-keyframes ffmpeg -v error -skip_frame nokey -i "$film" -vsync vfr "$work/out/%06d.png"
  measure cel-keyframes-same "$bin/cel-extract" -q -i "$film" -o "$work/out" "${unfiltered[@]}"
  measure cel-keyframes-default "$bin/cel-extract" -q -i "$film" -o "$work/out"
  measure cel-keyframes-level6 "$bin/cel-extract" -q -i "$film" -o "$work/out" "${unfiltered[@]}" --quality 6
  measure ffmpeg-scenes ffmpeg -v error -i "$film" -vf "select='gt(scene,0.3)'" -vsync vfr "$work/out/%06d.png"
  measure cel-scenes "$bin/cel-extract" -q -i "$film" -o "$work/out" --mode scenes
)
frames=$(( seconds * 25 ))
echo "$results" | awk -v frames="$frames" -v secs="$seconds" '
  { time[$1] = $2; mem[$1] = $3; files[$1] = $4 }
  END {
    printf "Film: %d s of 1920x1080 H.264, 25 fps, key frame every 2 s (%d frames). %d cores.\n\n", secs, frames, '"$(nproc)"'
    print "| run | wall s | peak MB | frames written | vs ffmpeg |"
    print "|---|---:|---:|---:|---:|"
    printf "| ffmpeg -skip_frame nokey, PNG | %.2f | %d | %d | 1.00 |\n", time["ffmpeg-keyframes"], mem["ffmpeg-keyframes"], files["ffmpeg-keyframes"]
    printf "| cel-extract keyframes, filters off (same frames), PNG | %.2f | %d | %d | %.2f |\n", time["cel-keyframes-same"], mem["cel-keyframes-same"], files["cel-keyframes-same"], time["cel-keyframes-same"] / time["ffmpeg-keyframes"]
    printf "| cel-extract keyframes, default filters, PNG | %.2f | %d | %d | %.2f |\n", time["cel-keyframes-default"], mem["cel-keyframes-default"], files["cel-keyframes-default"], time["cel-keyframes-default"] / time["ffmpeg-keyframes"]
    printf "| cel-extract keyframes, filters off, PNG at zlib level 6 like ffmpeg | %.2f | %d | %d | %.2f |\n", time["cel-keyframes-level6"], mem["cel-keyframes-level6"], files["cel-keyframes-level6"], time["cel-keyframes-level6"] / time["ffmpeg-keyframes"]
    printf "| ffmpeg select=gt(scene,0.3), PNG | %.2f (%.0f frames/s) | %d | %d | 1.00 |\n", time["ffmpeg-scenes"], frames / time["ffmpeg-scenes"], mem["ffmpeg-scenes"], files["ffmpeg-scenes"]
    printf "| cel-extract scenes, PNG | %.2f (%.0f frames/s) | %d | %d | %.2f |\n", time["cel-scenes"], frames / time["cel-scenes"], mem["cel-scenes"], files["cel-scenes"], time["cel-scenes"] / time["ffmpeg-scenes"]
  }'
