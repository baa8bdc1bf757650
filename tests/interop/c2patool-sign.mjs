// Signs a file with c2pa-rs's Builder (the @contentauth/c2pa-wasm build) through an external signer process, the way
// c2patool's --signer-path does (c2pa-rs cli: subprocess signer), so `prov c2patool-signer` is tested as c2patool uses it:
//   node c2patool-sign.mjs INPUT OUTPUT --cert CHAIN.pem [--title T] -- SIGNER-COMMAND [ARGS...]
// Per signature the signer command is started with `--reserve-size N --alg es256 --sign-cert CHAIN.pem`, gets the
// COSE Sig_structure on stdin and must print the raw r‖s signature on stdout.
// Output: {"output": OUTPUT, "calls": n, "signerStderr": [each call's stderr]}; on failure {"error": "..."} and exit 1.
//
// c2pa-wasm 0.13.3's callback signer is "direct COSE" (its WasmSigner returns certs() empty and direct_cose_handling()
// true): the callback receives the claim bytes and must return the whole COSE_Sign1. So this script does here what
// c2pa-rs's cose_sign does for a raw signer such as c2patool's CallbackSigner: protected header {1: alg, 33: x5chain},
// Sig_structure ["Signature1", protected, h'', claim] (RFC 9052 §4.4) handed to the signer, then a tagged COSE_Sign1
// with a detached payload, padded with an unprotected "pad" to exactly the reserved size (C2PA 2.2 §10.3.2.5).
import { readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import init, { WasmBuilder } from '@contentauth/c2pa-wasm';

const args = process.argv.slice(2);
const dashes = args.indexOf('--');
if (args.length < 2 || dashes < 0 || dashes === args.length - 1 || args.indexOf('--cert') < 0) {
  console.error('usage: node c2patool-sign.mjs INPUT OUTPUT --cert CHAIN.pem [--title T] -- SIGNER-COMMAND [ARGS...]');
  process.exit(2);
}
const [input, output] = args;
const certPath = args[args.indexOf('--cert') + 1];
const titleIndex = args.indexOf('--title');
const title = titleIndex >= 0 && titleIndex < dashes ? args[titleIndex + 1] : 'c2pa-wasm interop';
const signerCommand = args.slice(dashes + 1);
const reserveSize = 20000;

// --- minimal CBOR (RFC 8949, shortest heads) for the COSE structures ---
const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
function head(major, n) {
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  return Uint8Array.of(m | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}
const int = (v) => (v >= 0 ? head(0, v) : head(1, -1 - v));
const bstr = (b) => concat([head(2, b.length), b]);
const tstr = (s) => { const b = new TextEncoder().encode(s); return concat([head(3, b.length), b]); };
const array = (items) => concat([head(4, items.length), ...items]);
const map = (pairs) => concat([head(5, pairs.length), ...pairs.flat()]);
const tag = (t, item) => concat([head(6, t), item]);
const NULL = Uint8Array.of(0xf6);

const chain = [...readFileSync(certPath, 'utf8').matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)]
  .map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
if (chain.length === 0) {
  console.log(JSON.stringify({ error: `${certPath} holds no certificate` }));
  process.exit(1);
}
// COSE alg ES256 = -7; x5chain (label 33) a single bstr for one certificate, else an array (RFC 9360 §2).
const protectedHeader = map([[int(1), int(-7)], [int(33), chain.length === 1 ? bstr(chain[0]) : array(chain.map(bstr))]]);

const signerStderr = [];
function runSigner(toBeSigned) {
  return new Promise((resolve, reject) => {
    const [command, ...base] = signerCommand;
    const child = spawn(command, [...base, '--reserve-size', String(reserveSize), '--alg', 'es256', '--sign-cert', certPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      signerStderr.push(err);
      const signature = new Uint8Array(Buffer.concat(out));
      if (code !== 0) reject(new Error(`signer process failed (exit ${code}): ${err.trim()}`));
      else if (signature.length === 0) reject(new Error('signer process wrote no signature'));
      else resolve(signature);
    });
    child.stdin.end(Buffer.from(toBeSigned));
  });
}

function coseSign1(signature, padLength) {
  return tag(18, array([bstr(protectedHeader), map([[tstr('pad'), bstr(new Uint8Array(padLength))]]), NULL, bstr(signature)]));
}

const signer = {
  alg: 'es256',
  reserveSize,
  sign: async (claim) => {
    const sigStructure = array([tstr('Signature1'), bstr(protectedHeader), bstr(new Uint8Array(0)), bstr(claim)]);
    const signature = await runSigner(sigStructure);
    // The signature box was reserved at reserveSize bytes; the COSE_Sign1 must fill it exactly.
    const bare = coseSign1(signature, 0).length;
    for (const headGrowth of [0, 1, 2]) {
      const padLength = reserveSize - bare - headGrowth;
      if (padLength >= 0 && coseSign1(signature, padLength).length === reserveSize) return coseSign1(signature, padLength);
    }
    throw new Error(`a COSE_Sign1 of ${bare} bytes does not fit the reserved ${reserveSize}`);
  },
};

// The Builder reads its source Blob with FileReaderSync, a browser-worker API Node lacks. A Blob that keeps its bytes
// (and whose slices do too) lets a small synchronous reader stand in for it.
class BytesBlob extends Blob {
  constructor(bytes) { super([bytes]); this.bytes = bytes; }
  slice(start, end) { return new BytesBlob(this.bytes.subarray(start ?? 0, end ?? this.bytes.length)); }
}
globalThis.FileReaderSync ??= class {
  readAsArrayBuffer(blob) {
    if (!(blob instanceof BytesBlob)) throw new Error('FileReaderSync stand-in reads only BytesBlob');
    return blob.bytes.buffer.slice(blob.bytes.byteOffset, blob.bytes.byteOffset + blob.bytes.length);
  }
};

const require = createRequire(import.meta.url);
await init({ module_or_path: readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });
const mediaTypes = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff', webp: 'image/webp' };
const format = mediaTypes[input.split('.').pop().toLowerCase()] ?? 'application/octet-stream';
const definition = {
  claim_generator_info: [{ name: 'c2pa-wasm interop test', version: '0.13.3' }],
  title,
  format,
  assertions: [{
    label: 'c2pa.actions.v2',
    data: { actions: [{ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation' }] },
  }],
};

try {
  const builder = WasmBuilder.fromJson(JSON.stringify(definition), JSON.stringify({ verify: { verify_after_sign: false } }));
  const signed = await builder.sign(signer, [], format, new BytesBlob(new Uint8Array(readFileSync(input))));
  writeFileSync(output, signed);
  console.log(JSON.stringify({ output, calls: signerStderr.length, signerStderr }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.message ?? error), calls: signerStderr.length, signerStderr }));
  process.exit(1);
}
