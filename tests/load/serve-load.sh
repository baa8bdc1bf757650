#!/usr/bin/env bash
# Load check for `prov serve` (docs/benchmarks.md, "serve under load"): 32 wrk clients cycling through a gallery's
# requests with hostile ones mixed in (serve-mix.lua), while slowloris.py holds 200 never-finished requests open.
# Prints requests/s, replies by status, socket errors and the server's open descriptors before, during and after.
# Loopback only; takes about DURATION + 30 s. Needs wrk (apt-get install wrk) and python3.
# Usage: tests/load/serve-load.sh [DURATION_SECONDS]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-30}
port=${PORT:-18480}
here=tests/load
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build host/Provenance.Cli -c Release -v quiet -nologo >/dev/null
prov=(dotnet host/Provenance.Cli/bin/Release/net10.0/prov.dll)
export PROV_HOME=$work/home
"${prov[@]}" sign --source scan samples/artwork.jpg --out "$work/signed.jpg" >/dev/null 2>&1

"${prov[@]}" serve --port "$port" 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do grep -q serving "$work/serve.log" 2>/dev/null && break; sleep 0.2; done
# Sockets are what a leak would show; the total also counts the assemblies the runtime maps as it loads them.
fds() { echo "$(ls "/proc/$server/fd" | wc -l) ($(find "/proc/$server/fd" -lname 'socket:*' | wc -l) sockets)"; }
curl -sf -o /dev/null "http://127.0.0.1:$port/"
echo "descriptors before: $(fds)"

python3 "$here/slowloris.py" "$port" 200 "$((duration + 5))" &
loris=$!
sleep 3
(sleep "$((duration / 2))"; echo "descriptors during (200 slowloris + 32 clients): $(fds)") &
PORT=$port SIGNED=$work/signed.jpg wrk -t2 -c32 -d"${duration}s" --timeout 10s --latency -s "$here/serve-mix.lua" "http://127.0.0.1:$port/" \
  | grep -E "Requests/sec|Transfer/sec|requests in|Non-2xx|Socket errors|replies by status|socket errors"
wait "$loris"
sleep 12  # idle keep-alive connections close after 10 s
echo "descriptors after: $(fds)"
echo "peak memory: $(grep VmHWM "/proc/$server/status" | tr -s ' ')"
curl -s -o /dev/null -w "page afterwards: %{http_code} in %{time_total}s\n" "http://localhost:$port/"
if grep -q "prov serve:" "$work/serve.log"; then echo "server errors:"; grep "prov serve:" "$work/serve.log" | sort | uniq -c; fi
