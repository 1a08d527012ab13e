// Writes schemas/<name>.schema.json from the TypeBox source (src/canonical/schemas), one per
// event type plus envelope.schema.json, and removes schema files no longer generated.
// Run: npm run schemas. test/unit/schemas.test.ts fails when the files drift from the source.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA_FILES, schemaFileText } from '../src/canonical/schemas/index.ts';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
mkdirSync(dir, { recursive: true });
const wanted = new Set(SCHEMA_FILES.map((file) => `${file.name}.schema.json`));
for (const existing of readdirSync(dir)) {
  if (existing.endsWith('.schema.json') && !wanted.has(existing)) rmSync(`${dir}${existing}`);
}
for (const file of SCHEMA_FILES) writeFileSync(`${dir}${file.name}.schema.json`, schemaFileText(file.schema));
console.log(`wrote ${SCHEMA_FILES.length} schemas to schemas/`);
