// Reads a JPEG or PNG with @trustnxt/c2pa-ts (pure TypeScript; it does not check chain of trust) and prints
//   {"state": "Valid|Invalid|Missing|Error", "codes": [failure codes]}
//   node c2pa-ts-read.mjs FILE
import { readFileSync } from 'node:fs';
import { JPEG, PNG } from '@trustnxt/c2pa-ts/asset';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore, ValidationResult } from '@trustnxt/c2pa-ts/manifest';

const file = process.argv[2];
if (!file) {
  console.error('usage: node c2pa-ts-read.mjs FILE');
  process.exit(2);
}
const buffer = new Uint8Array(readFileSync(file));
let asset;
if (JPEG.canRead(buffer)) asset = new JPEG(buffer);
else if (PNG.canRead(buffer)) asset = new PNG(buffer);
else {
  console.log(JSON.stringify({ state: 'Error', codes: [], error: 'format not read by c2pa-ts' }));
  process.exit(0);
}
const jumbf = asset.getManifestJUMBF();
if (!jumbf) {
  console.log(JSON.stringify({ state: 'Missing', codes: [] }));
  process.exit(0);
}
let result;
try {
  result = await ManifestStore.read(SuperBox.fromBuffer(jumbf)).validate(asset);
} catch (error) {
  result = ValidationResult.fromError(error);
}
const codes = result.statusEntries.filter((entry) => entry.type === 'failure' || entry.success === false).map((entry) => entry.code);
console.log(JSON.stringify({ state: result.isValid ? 'Valid' : 'Invalid', codes }));
