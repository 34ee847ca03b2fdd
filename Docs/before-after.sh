#!/usr/bin/env bash
# Renders Docs/hayao-before-after.jpg for the README: a real photo from Debian's opencv-doc
# beside Celshade's cartoon of it in the published Hayao style.
#   Docs/before-after.sh [WEIGHTS_FOLDER]   (default: ../shared/pretrained/cartoongan-hayao)
set -euo pipefail
cd "$(dirname "$0")/.."
weights=${1:-../shared/pretrained/cartoongan-hayao}
photo=/usr/share/doc/opencv-doc/examples/data/building.jpg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift run -c release cel-apply -q --model "$weights" -i "$photo" -o "$work/cartoon.png"
/usr/bin/python3 - "$photo" "$work/cartoon.png" Docs/hayao-before-after.jpg <<'PY'
import sys, cv2
before, after = cv2.imread(sys.argv[1]), cv2.imread(sys.argv[2])
cv2.imwrite(sys.argv[3], cv2.hconcat([before, after]), [cv2.IMWRITE_JPEG_QUALITY, 88])
PY
