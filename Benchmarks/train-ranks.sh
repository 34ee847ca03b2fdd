#!/usr/bin/env bash
# Data-parallel training on one machine: the same epochs of cel-train as one process of
# batch 4 on all cores, and as two processes (ranks over TCP on localhost) of batch 2 each
# on half the cores, on the sample film's dataset and opencv-doc's photos. Release build.
# Prints a Markdown table: pictures per second, and the gradient bytes each rank sends per
# step. VGG19 has random weights (the speed does not depend on them).
#   Benchmarks/train-ranks.sh [SIZE] [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-64}; epochs=${2:-2}; cores=$(nproc)
for product in cel cel-train; do swift build -c release --product "$product" >/dev/null; done
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/cel" run Pipelines/film-to-dataset.yaml -i Samples/sample.mp4 -o "$work/style" -q
mkdir -p "$work/pictures"
cp /usr/share/doc/opencv-doc/examples/data/{baboon,fruits,building,orange,home,board,messi5,butterfly}.jpg "$work/pictures/"
"$bin/cel" run Pipelines/photos-to-dataset.yaml -i "$work/pictures" -o "$work/photos" -q
/usr/bin/python3 -c '
import collections, sys, torch, torchvision
state = torchvision.models.vgg19().state_dict()
torch.save(collections.OrderedDict((k, v) for k, v in state.items() if k.startswith("features.")), sys.argv[1])
' "$work/vgg.pth"
common=(--style "$work/style" --photos "$work/photos" --vgg "$work/vgg.pth" --image-size "$size"
        --init-epochs 1 --epochs "$((epochs - 1))" --norm instance --samples 0 -q)

start=$(date +%s.%N)
"$bin/cel-train" "${common[@]}" --run "$work/one" --batch 4 --threads "$cores"
one=$(echo "$(date +%s.%N) - $start" | bc)
port=$((20000 + RANDOM % 20000))
start=$(date +%s.%N)
for rank in 0 1; do
  RANK=$rank WORLD_SIZE=2 LOCAL_RANK=$rank MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    "$bin/cel-train" "${common[@]}" --run "$work/two" --batch 2 --threads "$((cores / 2))" &
done
wait
two=$(echo "$(date +%s.%N) - $start" | bc)

steps=$(($(wc -l < "$work/one/metrics.csv") - 1))
# Every parameter's gradient, float32, for the generator and the discriminator.
bytes=$(/usr/bin/python3 -c '
import sys; sys.path.insert(0, "Benchmarks")
from cartoongan_torch import Discriminator, Generator
print(4 * sum(p.numel() for m in (Generator(False), Discriminator(False)) for p in m.parameters()))')
awk -v one="$one" -v two="$two" -v steps="$steps" -v size="$size" -v cores="$cores" -v bytes="$bytes" 'BEGIN {
  printf "%d steps of 4 pictures of %dx%d (instance norm), %d cores, whole runs including start-up.\n\n", steps, size, size, cores
  print "| run | seconds | pictures per second | vs one process |"
  print "|---|---:|---:|---:|"
  printf "| 1 process, batch 4, %d threads | %.1f | %.1f | 1.00 |\n", cores, one, 4 * steps / one
  printf "| 2 ranks, batch 2 each, %d thread(s) each | %.1f | %.1f | %.2f |\n", cores / 2, two, 4 * steps / two, one / two
  printf "\nGradients exchanged per adversarial step: %.1f MB per rank (the generator and the discriminator, float32, one all-reduce each).\n", bytes / 1e6
}'
