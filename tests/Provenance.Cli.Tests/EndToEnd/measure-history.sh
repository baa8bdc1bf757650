#!/bin/bash
# Issue 16, size control: signs N saved versions (default 200) of a 64x64 PNG drawing, each one more stroke than the
# last, with `prov sign --history --in-place` (the embedded software token, no time stamp) and prints, at 1, 20 and N
# versions, the complete store in the file and the history's bytes on disk. The README's figures come from this.
#   dotnet build host/Provenance.Cli && nice -n 10 tests/Provenance.Cli.Tests/EndToEnd/measure-history.sh [N]
set -e
N=${1:-200}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
PROV=${PROV:-$ROOT/host/Provenance.Cli/bin/Debug/net10.0/prov}
export PROV_HOME=$(mktemp -d /tmp/prov-history-measure.XXXXXX)
mkdir -p "$PROV_HOME/w"
F=$PROV_HOME/w/drawing.png
draw() {
python3 - "$1" "$2" <<'PY'
import sys, zlib, struct
path, n, w, h = sys.argv[1], int(sys.argv[2]), 64, 64
rows = b''
for y in range(h):
    row = bytearray([0])
    for x in range(w):
        on = any(abs(y - (3 * k) % h) < 1 and x < 10 + 2 * k for k in range(n))
        row += bytes([20, 20, 20] if on else [250, 245, 235])
    rows += bytes(row)
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))
PY
}
for i in $(seq 1 "$N"); do
  draw "$F" "$i"
  "$PROV" sign "$F" --in-place --history --source tablet >/dev/null 2>&1
  if [ "$i" -eq 1 ] || [ "$i" -eq 20 ] || [ "$i" -eq "$N" ]; then
    "$PROV" history "$F" --json | python3 -c "import json,sys; d=json.load(sys.stdin); v=d['works'][0]['versions']; print(f\"versions={len(v)} store={v[-1]['storeLength']} added-by-last={v[-1]['manifestLength']} history-on-disk={d['bytesOnDisk']}\")"
  fi
done
rm -rf "$PROV_HOME"
