#!/usr/bin/env bash
# Issue 12's kill test at full size: kills `prov sign --in-place` and `prov watch --in-place --once` at random moments
# while they sign a large TIFF with the embedded token (RUNS each, default 50, on an MB-MiB file, default 40), and
# writes the outcomes to docs/kill-test.md. CI runs the same test with 4 kills on an 8 MiB file.
#
#   tests/Provenance.Cli.Tests/Artist/run-kill-test.sh [RUNS] [MB]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
RUNS="${1:-50}"
MB="${2:-40}"
REPORT="$(mktemp)"
trap 'rm -f "$REPORT"' EXIT
cd "$REPO"
nice dotnet build tests/Provenance.Cli.Tests -v q -nologo >/dev/null
PROV_KILL_RUNS="$RUNS" PROV_KILL_MB="$MB" PROV_KILL_REPORT="$REPORT" \
  nice dotnet test tests/Provenance.Cli.Tests --no-build --filter "FullyQualifiedName~KillMidWriteTests" 2>&1 | grep -E "^(Passed|Failed)!|Failed |Assert" || true
[ -s "$REPORT" ] || { echo "the kill test recorded nothing (did it fail?)"; exit 1; }
cat "$REPORT"
{
  echo "# Kill test (issue 12: never lose or corrupt a file)"
  echo
  echo "\`prov sign --in-place\` and \`prov watch --in-place --once\` killed with SIGKILL at random moments while signing"
  echo "an uncompressed TIFF with the embedded token; half the kills are aimed at the write (after the run's temp file"
  echo "appears). After every kill the file must be byte for byte the original or a complete signed file that verifies;"
  echo "after the next uninterrupted run no temp file may be left. Outcomes per kill:"
  echo
  echo "- *killed-before-rename*: the original is intact (with or without the run's temp file beside it);"
  echo "- *killed-after-rename*: the signed file is in place and verifies (the kill came after the rename);"
  echo "- *finished-…*: the run had already ended when the kill came."
  echo
  echo "Run $(date -u +%FT%TZ) with \`tests/Provenance.Cli.Tests/Artist/run-kill-test.sh $RUNS $MB\`:"
  echo
  sed 's/^/- /' "$REPORT"
} >"$REPO/docs/kill-test.md"
echo "wrote docs/kill-test.md"
