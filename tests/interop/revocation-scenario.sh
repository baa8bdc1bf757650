#!/usr/bin/env bash
# Issue 15's revocation scenario through the emulator, read by prov and by c2pa-rs (c2pa-read.mjs, our root as its only
# trust anchor): sign 5 files, revoke the token from signature 4, a 6th file signed after the revocation by someone who
# kept the token and a copy of the identity as it was (prov itself refuses a revoked token). Prints a Markdown table.
#   PROV="dotnet host/Provenance.Cli/bin/Debug/net10.0/prov.dll" tests/interop/revocation-scenario.sh [WORKDIR]
# Needs Node.js and tests/interop/node_modules (npm install). docs/revocation.md holds a run's table.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
PROV="${PROV:-dotnet $repo/host/Provenance.Cli/bin/Debug/net10.0/prov.dll}"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
export PROV_HOME="$work/artist" PROV_PASSWORD="revocation scenario" PROV_NO_HARDWARE_PROBE=1 PROV_LOCK_DIR="$work/locks"
unset PROV_TRUST_DB PROV_TRUST_LIST PROV_SIGNING_RECORD
sample="$repo/samples/artwork.jpg"
emulator_pid=""
cleanup() { [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null; true; }
trap cleanup EXIT

$PROV emulator --state "$work/token" --tcp 0 --auto-press >"$work/emulator.out" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 120); do grep -q '^tcp ' "$work/emulator.out" 2>/dev/null && break; sleep 0.5; done
device="$(awk '/^tcp /{print $2; exit}' "$work/emulator.out")"
[ -n "$device" ] || { echo "the emulator did not start" >&2; cat "$work/emulator.out" >&2; exit 1; }

$PROV device init --device "$device" >/dev/null 2>&1
$PROV identity create --name "Ada Lovelace" >/dev/null 2>&1
$PROV identity enroll --device "$device" >/dev/null 2>&1
serial="$($PROV device info --device "$device" --json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).serial))')"
counter_of() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).counter))'; }
declare -a files counters
for i in 1 2 3 4 5; do
  out="$work/work$i.jpg"
  counters[$i]="$($PROV sign "$sample" --out "$out" --device "$device" --source scan --json 2>/dev/null | counter_of)"
  files[$i]="$out"
done
# The thief keeps the token and a copy of the artist's prov home from before the revocation.
cp -a "$work/artist" "$work/thief"
root="$work/root.pem"; crl="$work/lost.crl"
$PROV identity export --out "$root" >/dev/null 2>&1
$PROV identity revoke --device "$serial" --from-counter "${counters[4]}" --crl-out "$crl" >/dev/null 2>&1
counters[6]="$(PROV_HOME="$work/thief" $PROV sign "$sample" --out "$work/work6.jpg" --device "$device" --source scan --json 2>/dev/null | counter_of)"
files[6]="$work/work6.jpg"

# A gallery: trusts the artist's root and has imported her CRL.
export PROV_HOME="$work/gallery"
$PROV trust add "$root" --name "Ada Lovelace" >/dev/null 2>&1
$PROV trust import-crl "$crl" >/dev/null 2>&1
# To a file: with claim thumbnails the JSON is larger than one command-line argument may be.
prov_json="$work/verify.json"
$PROV verify "${files[@]:1}" --json > "$prov_json" 2>/dev/null || true

echo "| file | counter | prov verify (root trusted, CRL imported) | c2pa-rs 0.91.3 (root as trust anchor) |"
echo "|---|---|---|---|"
for i in 1 2 3 4 5 6; do
  ours="$(node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).files[Number(process.argv[2])];
    const codes = r.status.filter((s) => s.code.startsWith("signingCredential")).map((s) => s.code);
    console.log(r.verdict + (codes.length ? " (" + codes.join(", ") + ")" : "") + (r.notes.length ? ": " + r.notes.join("; ") : ""));
  ' "$prov_json" $((i - 1)))"
  theirs="$(node "$here/c2pa-read.mjs" "${files[$i]}" --trust "$root" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.state+(r.codes.length?" ("+r.codes.join(", ")+")":""))})')"
  after=""; [ "$i" = 6 ] && after=" (signed after the revocation)"
  echo "| work$i.jpg$after | ${counters[$i]} | $ours | $theirs |"
done
