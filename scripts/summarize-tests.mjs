// Adds up the jest JSON reports and the node test runner's summary of a check run and prints
// the closing line "N passed, N failed" (with skipped, if any).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of ['unit.json', 'integration.json']) {
  const file = join(dir, name);
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  console.log(`${name.replace('.json', '')}: ${r.numPassedTests} passed, ${r.numFailedTests} failed in ${r.numTotalTestSuites} suites`);
}
const e2e = join(dir, 'e2e.log');
if (existsSync(e2e)) {
  const log = readFileSync(e2e, 'utf8');
  const p = Number(/ℹ pass (\d+)/.exec(log)?.[1] ?? 0);
  const f = Number(/ℹ fail (\d+)/.exec(log)?.[1] ?? 0);
  const s = Number(/ℹ skipped (\d+)/.exec(log)?.[1] ?? 0);
  console.log(`browser: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
  skipped += s;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
