#!/usr/bin/env bash
# The studio's edge-smoothing preview: 12 tiles of Megamind.avi's set (opencv-doc) redrawn
# with new Canny thresholds, twins and masks encoded, as the slider asks for them over HTTP
# (release build, both cores). The peer, in the same run: the same redraw in Python and
# OpenCV (the CartoonGAN recipe, tests' reference implementation), as a Python web handler
# would do it, timed inside Python, so it pays no HTTP at all.
#
#   Benchmarks/studio.sh          prints a Markdown table for the README
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${REQUESTS:-30}
clip=/usr/share/doc/opencv-doc/examples/data/Megamind.avi
swift build -c release --product cel >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

"$bin/cel" run Pipelines/film-to-dataset.yaml -q -i "$clip" -o "$work/data/megamind"
"$bin/cel" serve --data "$work/data" --port 0 >"$work/serve.log" &
server=$!
until grep -q http "$work/serve.log" 2>/dev/null; do sleep 0.1; done
address=$(grep -o 'http://[0-9.:]*/' "$work/serve.log")

STUDIO_DATA="$work/data" /usr/bin/python3 - "$address" "$requests" "$PWD/References" <<'PY'
import base64, json, statistics, sys, time, urllib.request
sys.path.insert(0, sys.argv[3])
import cv2
from edge_promoting import smooth

address, requests = sys.argv[1], int(sys.argv[2])
def get(path):
    with urllib.request.urlopen(address + path) as answer:
        return json.load(answer)

dataset = "data/megamind"
lows = [20 + 5 * i for i in range(requests)]  # up to 165, under the high threshold
get(f"api/smoothing?dataset={dataset}")  # warm: the first request loads the codecs
served = []
for low in lows:
    start = time.perf_counter()
    page = get(f"api/smoothing?dataset={dataset}&canny={low},200")
    served.append(time.perf_counter() - start)
assert len(page["tiles"]) == 12

# The peer: the same 12 tiles, read, smoothed, masked and encoded, in one Python process.
import os
# The studio names tiles /files/data/...; the same files on disk.
files = [tile["tile"].removeprefix("/files/data/") for tile in page["tiles"]]
base = os.environ["STUDIO_DATA"]
python = []
for low in lows:
    start = time.perf_counter()
    for name in files:
        image = cv2.imread(os.path.join(base, name), cv2.IMREAD_COLOR)
        twin = smooth(image, low, 200, 5, 5)
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        mask = cv2.dilate(cv2.Canny(grey, low, 200), cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
        for picture in (twin, mask):
            base64.b64encode(cv2.imencode(".png", picture, [cv2.IMWRITE_PNG_COMPRESSION, 1])[1])
    python.append(time.perf_counter() - start)

ms = lambda values: 1000 * statistics.median(values)
worst = lambda values: 1000 * max(values)
print(f"Megamind.avi's set, 12 tiles of 256x256 per redraw, {requests} redraws, 2 cores.\n")
print("| redraw of 12 twins and masks | median ms | slowest ms | vs Python |")
print("|---|---:|---:|---:|")
print(f"| Python + OpenCV, the recipe in a handler (no HTTP) | {ms(python):.0f} | {worst(python):.0f} | 1.00 |")
print(f"| cel serve, over HTTP (`/api/smoothing`) | {ms(served):.0f} | {worst(served):.0f} | {ms(served) / ms(python):.2f} |")
PY
