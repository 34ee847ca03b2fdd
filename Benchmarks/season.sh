#!/usr/bin/env bash
# A season: EPISODES films of SECONDS of 1920x1080 H.264 (a key frame every 2 s) through
# `cel run --jobs 2`, next to the ffmpeg program run on them one after another
# (-skip_frame nokey, PNG), in the same run. Release build. Prints a Markdown table.
#
#   Benchmarks/season.sh [EPISODES] [SECONDS]      (default 12 episodes of 60 s)
#
# The ratio compares like with like: the extract stage alone (Benchmarks/season-extract.yaml)
# against ffmpeg. The whole film pipeline (tiles, twins, split) is timed too, for scale.
set -euo pipefail
cd "$(dirname "$0")/.."
episodes=${1:-12}
seconds=${2:-60}
command -v ffmpeg >/dev/null && [ -x /usr/bin/time ] || {
  echo "needs the ffmpeg program and GNU time: apt-get install ffmpeg time" >&2; exit 1; }

swift build -c release --product cel >/dev/null
swift build -c release --product make-sample >/dev/null
bin=$(swift build -c release --show-bin-path)
cache=Benchmarks/.cache
base=$cache/film-1080p-${seconds}s.mp4
if [ ! -f "$base" ]; then
  "$bin/make-sample" -o "$cache/partial.mp4" --width 1920 --rate 25 --seconds "$seconds" \
    --keyframe-seconds 2 --preset ultrafast >&2
  mv "$cache/partial.mp4" "$base"
fi
# The episodes are the one rendered film, each closed by an MP4 'free' box holding its
# number (demuxers skip such boxes), so each is a film of its own to the set.
season=$cache/season-${episodes}x${seconds}s
mkdir -p "$season"
for i in $(seq -w 1 "$episodes"); do
  episode=$season/ep$i.mp4
  [ -f "$episode" ] && continue
  cp "$base" "$season/partial.mp4"
  printf '\x00\x00\x00\x0cfree%4s' "$i" >> "$season/partial.mp4"
  mv "$season/partial.mp4" "$episode"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# timed NAME COMMAND...: wall seconds and peak RSS in MB of the command and its children.
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    cat "$work/stderr" >&2; exit 1; }
  read -r wall rss < "$work/time"
  echo "$name $wall $(( rss / 1024 ))"
}

# The peer: the ffmpeg program on each episode in turn.
one_after_another='for episode in "$1"/*.mp4; do
  out=$2/$(basename "$episode" .mp4); mkdir -p "$out"
  ffmpeg -v error -skip_frame nokey -i "$episode" -vsync vfr "$out/%06d.png"
done'

results=$(
  timed ffmpeg bash -c "$one_after_another" season "$season" "$work/ffmpeg"
  timed cel-extract "$bin/cel" run Benchmarks/season-extract.yaml --input "$season" \
    --output "$work/extract" --jobs 2 -q
  timed cel-pipeline "$bin/cel" run Pipelines/film-to-dataset.yaml --input "$season" \
    --output "$work/set" --jobs 2 -q
)
frames=$(find "$work/ffmpeg" -name '*.png' | wc -l)
kept=$(cat "$work"/extract/films/*/frames.jsonl | wc -l)
tiles=$(cat "$work"/set/films/*/tiles.jsonl | wc -l)
echo "$results" | awk -v episodes="$episodes" -v secs="$seconds" -v frames="$frames" \
  -v kept="$kept" -v tiles="$tiles" -v cores="$(nproc)" '
  { time[$1] = $2; mem[$1] = $3 }
  END {
    printf "Season: %d episodes of %d s, 1920x1080 H.264, key frame every 2 s. %d cores.\n\n", episodes, secs, cores
    print "| run | wall s | peak MB | output | vs ffmpeg |"
    print "|---|---:|---:|---|---:|"
    printf "| ffmpeg -skip_frame nokey, PNG, one episode after another | %.1f | %d | %d frames | 1.00 |\n", time["ffmpeg"], mem["ffmpeg"], frames
    printf "| cel run, extract stage, --jobs 2 | %.1f | %d | %d frames kept | %.2f |\n", time["cel-extract"], mem["cel-extract"], kept, time["cel-extract"] / time["ffmpeg"]
    printf "| cel run, whole film pipeline (frames, tiles, twins, split), --jobs 2 | %.1f | %d | %d tiles | %.2f |\n", time["cel-pipeline"], mem["cel-pipeline"], tiles, time["cel-pipeline"] / time["ffmpeg"]
  }'
