#!/usr/bin/env bash
# Where the generator's time goes, by layer kind: one forward pass at 1920x1080 (after a
# warm-up) of the banded pass (libtorch's operators, oneDNN underneath) and of the blocked
# pass (oneDNN's primitives directly), with oneDNN's own timing of every primitive it runs
# (ONEDNN_VERBOSE). What oneDNN does not run (norms, padding, copies, threads waiting) is
# the rest of the pass's time. Release build; prints a Markdown table.
#
#   Benchmarks/generator-layers.sh [WEIGHTS_FOLDER]   THREADS=$(nproc)
set -euo pipefail
cd "$(dirname "$0")/.."
weights=${1:-../shared/pretrained/cartoongan-hayao}
threads=${THREADS:-$(nproc)}
swift build -c release --product cel-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -f "$weights/conv01_1.weight.npy" ]; then
  /usr/bin/python3 References/published_weights.py "$work/seeded" 7
  weights=$work/seeded
fi
# Each pass twice: the warm-up alone, then the warm-up and one timed pass; the timed pass's
# primitives are those the second run has beyond the first's.
for pass in banded blocked; do
  for runs in 0 1; do
    ONEDNN_VERBOSE=1 DNNL_VERBOSE=1 "$bin/cel-bench" generator --weights "$weights" \
      --pass "$pass" --runs "$runs" --threads "$threads" >"$work/$pass-$runs.log"
  done
done
/usr/bin/python3 - "$work"/banded-{0,1}.log "$work"/blocked-{0,1}.log <<'PY'
import re, sys
def execs(path):
    return [l.split(",") for l in open(path).read().splitlines() if ",exec,cpu," in l]
def kinds(warmup, timed):
    total = float(open(timed).read().splitlines()[-1].split()[1])
    times = {}
    for f in execs(timed)[len(execs(warmup)):]:
        kind, problem, ms = f[3], f[-2], float(f[-1])
        ic, oc = map(int, re.search(r"ic(\d+)oc(\d+)", problem).groups()) if "ic" in problem else (0, 0)
        k = re.search(r"kh(\d+)", problem)
        s = re.search(r"sh(\d+)", problem)
        if kind == "reorder":
            name = "layout conversions (reorders)"
        elif kind == "deconvolution" or (k and k.group(1) in ("1", "2")):
            # The banded pass runs each transposed layer as four small convolutions.
            name = "transposed 3x3, stride 2 (2 layers)"
        elif k and k.group(1) == "7":
            name = "7x7 entry and exit (2 layers)"
        elif s and s.group(1) == "2":
            name = "3x3 stride 2, down (2 layers)"
        elif ic == 256 and oc == 256:
            name = "3x3 at quarter size, 256 channels (17 layers)"
        elif ic == 128 and oc == 128:
            name = "3x3 at half size, 128 channels (2 layers)"
        elif ic == 64 and oc == 64:
            name = "3x3 at full size, 64 channels (1 layer)"
        else:
            name = "other oneDNN (%s)" % kind
        times[name] = times.get(name, 0) + ms / 1000
    times["not in oneDNN: norms, padding, copies"] = total - sum(times.values())
    return times, total
(banded, banded_total), (blocked, blocked_total) = kinds(*sys.argv[1:3]), kinds(*sys.argv[3:5])
print("| layer kind | banded pass, s | blocked pass, s |\n|---|---:|---:|")
for name in sorted(set(banded) | set(blocked), key=lambda n: -banded.get(n, 0)):
    print("| %s | %.2f | %.2f |" % (name, banded.get(name, 0), blocked.get(name, 0)))
print("| **forward pass** | **%.2f** | **%.2f** |" % (banded_total, blocked_total))
PY
