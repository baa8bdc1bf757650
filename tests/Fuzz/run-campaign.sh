#!/usr/bin/env bash
# Time-boxed fuzz campaign (issue 14): SharpFuzz 2.3.0 + AFL++ (Debian's afl++), one AFL instance at a time, under
# nice -n 19. CI never runs this; it replays tests/Fuzz/corpus instead (Provenance.Cli.Tests FuzzCorpusReplayTests).
#
#   tests/Fuzz/run-campaign.sh [TARGET[=SECONDS]]...
#   tests/Fuzz/run-campaign.sh --table     (rewrite docs/fuzzing.md from $WORK/results.tsv only)
#
# Without arguments every target runs: the file formats, JUMBF, CBOR (claim, assertions) and COSE for
# $FORMAT_SECONDS each (default 400), the rest for $OTHER_SECONDS (default 150). Seeds are made at run time from
# ../shared/fixtures (PROV_FUZZ_FIXTURES) and never copied into the repo. Per target it records executions, paths
# (AFL's corpus_count), crashes and hangs in $WORK/results.tsv and docs/fuzzing.md, replays every crash and hang
# through the uninstrumented build to name the exception, and keeps small new inputs in tests/Fuzz/corpus/TARGET
# (at most $KEEP_FILES files of at most $KEEP_BYTES bytes per target; crashes are always kept).
# When afl-fuzz is missing or cannot start the instrumented target, the coverage-less in-process mutation loop runs
# instead and its rows say "in-process mutation".
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WORK="${PROV_FUZZ_WORK:-/tmp/prov-fuzz}"
FORMAT_SECONDS="${FORMAT_SECONDS:-400}"
OTHER_SECONDS="${OTHER_SECONDS:-150}"
KEEP_FILES="${KEEP_FILES:-24}"
KEEP_BYTES="${KEEP_BYTES:-4096}"
export PROV_FUZZ_FIXTURES="${PROV_FUZZ_FIXTURES:-$(cd "$REPO/.." && pwd)/shared/fixtures/c2pa}"
write_table() {
  # docs/fuzzing.md: the results table between the markers is rewritten from results.tsv.
  DOC="$REPO/docs/fuzzing.md"
  if [ -f "$DOC" ] && grep -q '<!-- results:begin -->' "$DOC"; then
    {
      sed '/<!-- results:begin -->/q' "$DOC"
      echo
      echo "| finished (UTC) | target | engine | seconds | executions | paths | crashes | hangs | findings (exception on replay) |"
      echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
      tail -n +2 "$RESULTS" | awk -F'\t' '{ gsub(/\|/, "\\|", $9); printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
      echo
      sed -n '/<!-- results:end -->/,$p' "$DOC"
    } >"$DOC.new" && mv "$DOC.new" "$DOC"
  fi
}
RESULTS="$WORK/results.tsv"
if [ "${1:-}" = "--table" ]; then write_table; exit 0; fi
ALL=(jpeg png tiff webp jumbf claim assertion cose x509 crl tsa xmp frame serve)
LARGE=" jpeg png tiff webp jumbf claim assertion cose "

plan=()
if [ $# -eq 0 ]; then set -- "${ALL[@]}"; fi
for arg in "$@"; do
  t="${arg%%=*}"
  if [ "$t" != "$arg" ]; then s="${arg#*=}"
  elif [[ "$LARGE" == *" $t "* ]]; then s="$FORMAT_SECONDS"
  else s="$OTHER_SECONDS"; fi
  plan+=("$t=$s")
done

mkdir -p "$WORK"
echo "building (Release) ..."
nice -n 19 dotnet build "$HERE/Provenance.Fuzz.csproj" -c Release -o "$WORK/plain" -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
rm -rf "$WORK/bin" && cp -r "$WORK/plain" "$WORK/bin"
(cd "$HERE" && dotnet tool restore >/dev/null)
mode=afl
for dll in Provenance.dll ProvenanceDevice.Token.Core.dll prov.dll BouncyCastle.Cryptography.dll System.Formats.Cbor.dll; do
  (cd "$HERE" && dotnet sharpfuzz "$WORK/bin/$dll") || { echo "instrumenting $dll failed: falling back to in-process mutation"; mode=loop; }
done
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found (apt-get install afl++): falling back to in-process mutation"; mode=loop; }

export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
RESULTS="$WORK/results.tsv"
[ -f "$RESULTS" ] || printf 'finished\ttarget\tmode\tseconds\texecutions\tpaths\tcrashes\thangs\tfindings\n' >"$RESULTS"

for entry in "${plan[@]}"; do
  t="${entry%%=*}"; secs="${entry#*=}"
  seeds="$WORK/seeds/$t"
  rm -rf "$seeds"
  dotnet "$WORK/plain/Provenance.Fuzz.dll" seeds "$t" "$seeds" >/dev/null
  # Saved corpus inputs seed the next campaign too.
  [ -d "$HERE/corpus/$t" ] && cp "$HERE/corpus/$t"/* "$seeds/" 2>/dev/null || true
  out="$WORK/out/$t"
  rm -rf "$out"; mkdir -p "$out"
  echo "$(date -u +%FT%TZ) $t: $mode for ${secs}s"
  execs=0; paths=0; crashes=0; hangs=0; findings=""
  if [ "$mode" = afl ]; then
    # -t: an input taking over 5 s is a hang (issue 14 allows twice the hash time plus 1 s; these inputs are small).
    timeout $((secs + 300)) nice -n 19 afl-fuzz -i "$seeds" -o "$out" -t 5000 -m none -V "$secs" -- dotnet "$WORK/bin/Provenance.Fuzz.dll" "$t" >"$WORK/afl-$t.log" 2>&1 || true
    stats="$out/default/fuzzer_stats"
    if [ -f "$stats" ]; then
      execs=$(awk -F: '/^execs_done/ {gsub(/ /,"",$2); print $2}' "$stats")
      paths=$(awk -F: '/^corpus_count/ {gsub(/ /,"",$2); print $2}' "$stats")
      crashes=$(awk -F: '/^saved_crashes/ {gsub(/ /,"",$2); print $2}' "$stats")
      hangs=$(awk -F: '/^saved_hangs/ {gsub(/ /,"",$2); print $2}' "$stats")
      # What each crash or hang throws, from the uninstrumented build: distinct exception types with their counts.
      : >"$WORK/types-$t"
      for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
        [ -f "$f" ] || continue
        type=$(timeout 60 dotnet "$WORK/plain/Provenance.Fuzz.dll" replay "$t" "$f" 2>&1 | grep -o -m1 '[A-Za-z][A-Za-z0-9_.]*Exception' | head -1) || true
        echo "${type:-no exception on replay (hang or timeout)}" >>"$WORK/types-$t"
      done
      findings=$(sort "$WORK/types-$t" | uniq -c | sort -rn | awk '{c=$1; $1=""; sub(/^ /,""); printf "%s%s ×%d", (NR>1?"; ":""), $0, c}')
      # Crashes become regression inputs: the smallest few of each run are kept.
      mkdir -p "$HERE/corpus/$t"
      { ls -S -r "$out"/default/crashes/id:* "$out"/default/hangs/id:* 2>/dev/null || true; } | head -n "${KEEP_CRASHES:-6}" | while read -r f; do
        cp "$f" "$HERE/corpus/$t/crash-$(sha1sum "$f" | cut -c1-12)"
      done || true
      # Small queue entries that added coverage: the CI replay runs them through the verifier.
      mkdir -p "$HERE/corpus/$t"
      # (pipefail: head closing the pipe early is not a failure)
      find "$out/default/queue" -maxdepth 1 -type f -size -"${KEEP_BYTES}"c -name 'id:*' | sort -r | head -n "$KEEP_FILES" | while read -r f; do
        cp "$f" "$HERE/corpus/$t/q-$(sha1sum "$f" | cut -c1-12)"
      done || true
    else
      findings="afl-fuzz did not start: $(grep -m1 'PROGRAM ABORT' "$WORK/afl-$t.log" || tail -1 "$WORK/afl-$t.log")"
    fi
  else
    mkdir -p "$WORK/findings/$t"
    line=$(PROV_FUZZ_FINDINGS="$WORK/findings/$t" nice -n 19 dotnet "$WORK/plain/Provenance.Fuzz.dll" loop "$t" "$secs" "$seeds" 2>&1 | tee "$WORK/loop-$t.log" | grep '^target=' || true)
    execs=$(sed -n 's/.*executions=\([0-9]*\).*/\1/p' <<<"$line")
    crashes=$(sed -n 's/.*unique=\([0-9]*\).*/\1/p' <<<"$line")
    paths="n/a"; hangs="n/a"
    findings=$(grep '^finding' "$WORK/loop-$t.log" | sed 's/^finding [^:]*: //' | cut -c1-160 | paste -sd ';' - || true)
    for f in "$WORK/findings/$t"/*; do [ -f "$f" ] && mkdir -p "$HERE/corpus/$t" && cp "$f" "$HERE/corpus/$t/crash-$(sha1sum "$f" | cut -c1-12)"; done
    mode_label="in-process mutation"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "${mode_label:-AFL++ $(afl-fuzz -h 2>&1 | grep -o 'afl-fuzz++[0-9.a-z]*' | head -1 | sed 's/afl-fuzz++//') + SharpFuzz 2.3.0}" "$secs" "$execs" "$paths" "$crashes" "$hangs" "${findings:-none}" >>"$RESULTS"
  echo "  executions=$execs paths=$paths crashes=$crashes hangs=$hangs"
done

# The corpus stays small: the CI replay must be fast and the repo light.
total=$(du -sb "$HERE/corpus" 2>/dev/null | cut -f1 || echo 0)
echo "tests/Fuzz/corpus: $total bytes"
[ "$total" -le $((2 * 1024 * 1024)) ] || echo "WARNING: tests/Fuzz/corpus is over 2 MiB; prune it before committing"

write_table
