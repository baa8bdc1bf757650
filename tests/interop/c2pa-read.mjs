// Reads a file with c2pa-rs (the @contentauth/c2pa-wasm build, offline) and prints its verdict as JSON:
//   node c2pa-read.mjs FILE [--trust ROOT.pem]... [--verbose]
//   node c2pa-read.mjs FILE --manifest        prints c2pa-rs's whole reader JSON (the manifest store, as c2patool shows it)
// Output: {"state": "Valid|Trusted|Invalid", "codes": [failure and informational codes], "activeManifest": label,
//          "softBindings": [the active manifest's c2pa.soft-binding data],
//          "thumbnail": {format, identifier, bytes, sha256} of the claim thumbnail c2pa-rs extracts, or null}
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import init, { WasmReader } from '@contentauth/c2pa-wasm';

const args = process.argv.slice(2);
const file = args[0];
if (!file) {
  console.error('usage: node c2pa-read.mjs FILE [--trust ROOT.pem]');
  process.exit(2);
}
// --trust may be given more than once (e.g. the signer's root and a time-stamp authority's root): all are anchors.
const trustFiles = args.flatMap((a, i) => (a === '--trust' && i + 1 < args.length ? [args[i + 1]] : []));
const trustPem = trustFiles.length > 0 ? trustFiles.map((f) => readFileSync(f, 'utf8').trim()).join('\n') + '\n' : null;

const require = createRequire(import.meta.url);
const wasmPath = require.resolve('@contentauth/c2pa-wasm/c2pa.wasm');
await init({ module_or_path: readFileSync(wasmPath) });

const mediaTypes = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff', webp: 'image/webp' };
const extension = file.split('.').pop().toLowerCase();
const format = mediaTypes[extension] ?? 'application/octet-stream';

// c2pa-rs settings: without anchors, trust is still checked (so an unknown signer is "untrusted", not trusted).
const context = {
  verify: { verify_trust: true },
  trust: trustPem ? { trust_anchors: trustPem } : {},
  // CAWG X.509 identities are judged against their own anchors in c2pa-rs (cawg_trust, separate from trust): the same roots.
  cawg_trust: trustPem ? { trust_anchors: trustPem } : {},
};

try {
  const reader = await WasmReader.fromBytes(format, new Uint8Array(readFileSync(file)), JSON.stringify(context));
  const store = JSON.parse(reader.json());
  if (args.includes('--manifest')) {
    // No process.exit here: a large store (a long history) is more than one pipe buffer, and exiting would cut it off.
    console.log(JSON.stringify(store));
  } else {
    const results = store.validation_results?.activeManifest ?? {};
    const codes = [...(results.failure ?? []), ...(results.informational ?? [])].map((s) => s.code);
    const result = { state: store.validation_state, codes, activeManifest: store.active_manifest ?? null };
    if (args.includes('--verbose')) result.validation = store.validation_results;
    // The active manifest's soft bindings as c2pa-rs parsed them (alg and block values), so tests can compare.
    const active = store.manifests?.[store.active_manifest];
    result.softBindings = (active?.assertions ?? []).filter((a) => a.label.startsWith('c2pa.soft-binding')).map((a) => a.data);
    // The active manifest's claim thumbnail as c2pa-rs lists it, with the SHA-256 of the bytes it extracts, so tests
    // can compare them with the thumbnail that was signed.
    if (active?.thumbnail) {
      const bytes = reader.resourceToBytes(active.thumbnail.identifier);
      const digest = createHash('sha256').update(bytes).digest('hex');
      result.thumbnail = { format: active.thumbnail.format, identifier: active.thumbnail.identifier, bytes: bytes.length, sha256: digest };
    } else {
      result.thumbnail = null;
    }
    console.log(JSON.stringify(result));
  }
} catch (error) {
  console.log(JSON.stringify({ state: 'Error', codes: [], error: String(error?.message ?? error) }));
}
