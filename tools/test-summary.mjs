// Sums the vitest JSON reports of every package into one closing line:
// "tests: N passed, N failed" (", N skipped"). Exits 1 if a package has no report or a
// test failed, so a run that executed nothing cannot look green.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'packages');
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const name of readdirSync(root)) {
  const file = join(root, name, '.test-results', 'vitest.json');
  if (!existsSync(file)) {
    missing.push(name);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  console.log(`  ${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
if (missing.length) console.log(`no test report for: ${missing.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exitCode = failed > 0 || missing.length > 0 || passed === 0 ? 1 : 0;
