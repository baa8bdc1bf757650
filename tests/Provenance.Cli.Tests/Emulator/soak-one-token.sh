#!/usr/bin/env bash
# Soak (issue 18): P `prov sign` processes at a time signing through one `prov emulator --tcp` token for M minutes.
# Counts signatures that succeeded, commands that failed, broken files (signed but not `valid` in `prov verify`) and
# repeated counters, and checks the token's own log chain at the end. Loopback only; not part of `dotnet test`.
#
#   tests/Provenance.Cli.Tests/Emulator/soak-one-token.sh [--processes 8] [--minutes 5 | --seconds S] [--keep]
#
# Uses the built prov (dotnet build first), or PROV_DLL=path/to/prov.dll. Exit code 0 only with no failure, no broken
# file and no repeated counter.
set -euo pipefail

processes=8
minutes=5
keep=0
seconds=""
while [ $# -gt 0 ]; do
  case "$1" in
    --processes) processes="$2"; shift 2 ;;
    --minutes) minutes="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--processes N] [--minutes M | --seconds S] [--keep]" >&2; exit 2 ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
dll="${PROV_DLL:-$repo/host/Provenance.Cli/bin/Debug/net10.0/prov.dll}"
sample="$repo/samples/artwork.jpg"
[ -f "$dll" ] || { echo "soak: $dll not built (dotnet build ProvenanceDevice.sln)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/prov-soak.XXXXXX")"
export PROV_HOME="$work/home" PROV_NO_HARDWARE_PROBE=1 NO_COLOR=1
unset PROV_DEVICE
mkdir -p "$work/out" "$work/results"
prov() { dotnet "$dll" "$@"; }

emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT

dotnet "$dll" emulator --state "$work/emulator" --tcp 0 --auto-press >"$work/emulator.log" 2>&1 &
emulator_pid=$!
device=""
for _ in $(seq 1 300); do
  device="$(awk '$1 == "tcp" { print $2; exit }' "$work/emulator.log")"
  [ -n "$device" ] && break
  sleep 0.1
done
[ -n "$device" ] || { echo "soak: the emulator did not start" >&2; cat "$work/emulator.log" >&2; exit 1; }

prov device init --device "$device" >/dev/null 2>"$work/init.err" || { cat "$work/init.err" >&2; exit 1; }
# The first signature creates the development identity and enrolls the token; the soak measures what follows.
prov sign --source scan "$sample" --out "$work/warm-up.jpg" --device "$device" >/dev/null 2>"$work/warm-up.err" || { cat "$work/warm-up.err" >&2; exit 1; }

duration="${seconds:-$((minutes * 60))}"
deadline=$(( $(date +%s) + duration ))
worker() {
  local id="$1" n=0
  while [ "$(date +%s)" -lt "$deadline" ]; do
    n=$((n + 1))
    local name="w$id-$n"
    if prov sign --source scan "$sample" --out "$work/out/$name.jpg" --device "$device" --json >"$work/results/$name.json" 2>"$work/results/$name.err"; then
      echo "ok $name" >>"$work/results/w$id.log"
    else
      echo "fail $name $?" >>"$work/results/w$id.log"
    fi
  done
}
started=$(date +%s)
workers=()
for id in $(seq 1 "$processes"); do worker "$id" & workers+=($!); done
wait "${workers[@]}"
elapsed=$(( $(date +%s) - started ))

attempted=$(cat "$work"/results/w*.log | wc -l)
succeeded=$(cat "$work"/results/w*.log | grep -c '^ok ' || true)
failed=$(cat "$work"/results/w*.log | grep -c '^fail ' || true)

# Every file a successful sign wrote must verify `valid` (intact, signer not in this empty trust store).
verdicts="$work/verify.json"
prov verify "$work/out" --json >"$verdicts" 2>"$work/verify.err" || true
valid=$(jq '[(if type == "array" then . else .files end)[] | select(.verdict == "valid")] | length' "$verdicts")
files=$(find "$work/out" -name '*.jpg' | wc -l)
missing=0
while read -r line; do
  name="${line#ok }"
  [ -f "$work/out/$name.jpg" ] || missing=$((missing + 1))
done < <(cat "$work"/results/w*.log | grep '^ok ' || true)
broken=$(( files - valid + missing ))

counters="$work/counters.txt"
cat "$work"/results/*.json 2>/dev/null | jq -r 'select(.counter != null) | .counter' >"$counters" || true
repeated=$(sort -n "$counters" | uniq -d | wc -l)
prov device log --device "$device" --json >"$work/log.json" 2>"$work/log.err" || true
chain=$(grep -c "log chain intact" "$work/log.err" || true)
log_repeated=$(jq -r '.[].counter' "$work/log.json" | sort -n | uniq -d | wc -l)

echo "soak: $processes processes for $duration s ($elapsed s with the last commands), one emulator token over TCP"
echo "  sign commands:      $attempted"
echo "  succeeded:          $succeeded ($(awk "BEGIN { printf \"%.2f\", $succeeded / ($elapsed > 0 ? $elapsed : 1) }") signatures/s)"
echo "  failed:             $failed"
echo "  broken files:       $broken (of $files written; verified valid: $valid)"
echo "  repeated counters:  $repeated (token log: $log_repeated; chain intact: $([ "$chain" -gt 0 ] && echo yes || echo NO))"
if [ "$failed" -gt 0 ]; then
  echo "  failure messages:"
  cat "$work"/results/*.err | grep '^prov: ' | sed 's/[0-9]\+/N/g' | sort | uniq -c | sort -rn | head -5 | sed 's/^/    /'
fi
[ "$failed" -eq 0 ] && [ "$broken" -eq 0 ] && [ "$repeated" -eq 0 ] && [ "$log_repeated" -eq 0 ] && [ "$chain" -gt 0 ]
