#!/usr/bin/env bash
# Issue 13: a batch verified into the HTML report (plus the piped one-line-per-file text) against the same batch
# verified to --json, interleaved run by run so that load from other work falls on both alike.
#   tests/bench/report-vs-json.sh [FILES=300] [ROUNDS=7]
# PROV overrides the command (default: dotnet host/Provenance.Cli/bin/Debug/net10.0/prov.dll). Prints each round and
# the medians and their ratio (report / json).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
PROV="${PROV:-dotnet $repo/host/Provenance.Cli/bin/Debug/net10.0/prov.dll}"
files="${1:-300}"; rounds="${2:-7}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export PROV_HOME="$work/home" PROV_NO_HARDWARE_PROBE=1
batch="$work/batch"; mkdir -p "$batch"
$PROV sign "$repo/samples/artwork.jpg" --out "$work/signed.jpg" --source scan >/dev/null 2>&1
$PROV sign "$repo/samples/artwork.png" --out "$work/signed.png" --source scan >/dev/null 2>&1
cp "$work/signed.jpg" "$work/tampered.jpg"; printf '\x00' | dd of="$work/tampered.jpg" bs=1 seek=$(( $(stat -c %s "$work/tampered.jpg") - 100 )) conv=notrunc 2>/dev/null
bases=("$work/signed.jpg" "$work/signed.png" "$work/tampered.jpg" "$repo/samples/artwork.png")
for ((i = 0; i < files; i++)); do b="${bases[$((i % 4))]}"; cp "$b" "$batch/submission-$i.${b##*.}"; done

ms() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
json=(); report=()
$PROV verify "$batch" --json >/dev/null 2>&1 || true   # warm the disk cache and the JIT's files
for ((r = 1; r <= rounds; r++)); do
  if (( r % 2 )); then
    j=$(ms $PROV verify "$batch" --json); h=$(ms $PROV verify "$batch" --html "$work/report.html")
  else
    h=$(ms $PROV verify "$batch" --html "$work/report.html"); j=$(ms $PROV verify "$batch" --json)
  fi
  json+=("$j"); report+=("$h")
  echo "round $r: --json ${j} ms, --html (and piped text) ${h} ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mj=$(median "${json[@]}"); mh=$(median "${report[@]}")
echo "median: --json ${mj} ms, --html ${mh} ms, ratio $(awk -v h="$mh" -v j="$mj" 'BEGIN {printf "%.2f", h / j}') ($files files, $rounds rounds, $(nproc) cores)"
