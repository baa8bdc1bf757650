#!/usr/bin/env bash
# Rewrites the <ItemGroup Label="TokenCore"> of Token.Esp32.nfproj so that it links every .cs file of
# ../Token.Core (bin/ and obj/ excluded), sorted, each with a <Link> under Core\. Run it after adding or
# removing core files; tests/Token.Core.Tests/SecureElement/NfprojTests.cs fails until the list is current.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/Token.Esp32.nfproj"
core="$here/../Token.Core"

items="$(cd "$core" && find . -name '*.cs' -not -path './bin/*' -not -path './obj/*' | sed 's|^\./||' | LC_ALL=C sort \
  | while read -r file; do
      win="${file//\//\\}"
      printf '    <Compile Include="..\\Token.Core\\%s">\n      <Link>Core\\%s</Link>\n    </Compile>\n' "$win" "$win"
    done)"

tmp="$(mktemp "$project.XXXXXX")"
awk -v items="$items" '
  /<ItemGroup Label="TokenCore">/ { print; if (items != "") print items; skipping = 1; next }
  skipping && /<\/ItemGroup>/ { skipping = 0 }
  !skipping { print }
' "$project" > "$tmp"
mv "$tmp" "$project"
echo "linked $(printf '%s\n' "$items" | grep -c '<Compile' || true) core files into $(basename "$project")"
