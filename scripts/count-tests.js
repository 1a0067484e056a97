#!/usr/bin/env node
// Sums every package's jest JSON report (packages/*/test-reports/jest.json) and prints the
// closing line CI reads: "N passed, N failed". Exits 1 when a package that has tests has no
// report (its tests did not run), so a missing run can never look green.
'use strict';
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', 'packages');
let passed = 0;
let failed = 0;
const missing = [];
for (const pkg of readdirSync(root).sort()) {
  const report = join(root, pkg, 'test-reports', 'jest.json');
  if (!existsSync(join(root, pkg, 'test'))) continue;
  if (!existsSync(report)) {
    missing.push(pkg);
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  // A suite that fails to load counts as a failure even though it ran no test.
  const brokenSuites = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  passed += r.numPassedTests;
  failed += r.numFailedTests + brokenSuites;
  console.log(`${pkg}: ${r.numPassedTests} passed, ${r.numFailedTests + brokenSuites} failed`);
}
if (missing.length) console.log(`no test report from: ${missing.join(', ')} (their tests did not run)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(missing.length || failed ? 1 : 0);
