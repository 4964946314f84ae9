// Drives `okrc serve` the way a person does: a page open in headless
// Chromium while files are saved, broken and fixed. The page must reload by
// itself after each build and show the overlay while the build fails.
//
// Usage: node live_reload.mjs '<json>' where json is
//   { "url": "http://127.0.0.1:PORT/periods/2026-q4/units/support.html",
//     "file": "/abs/teams/support.md",
//     "good": "text of a valid file whose title is GOOD-TITLE",
//     "broken": "text of a broken file",
//     "fixed": "text of a valid file whose title is FIXED-TITLE" }
// Prints one JSON report on stdout; exits 1 when a step fails.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const job = JSON.parse(process.argv[2]);
const userData = mkdtempSync(join(tmpdir(), 'okrc-chromium-'));
const context = await chromium.launchPersistentContext(userData, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const report = { steps: [], errors: [] };
const wait = { timeout: 20000 };
try {
  const page = await context.newPage();
  page.on('pageerror', (e) => report.errors.push(String(e)));
  await page.goto(job.url);
  await page.waitForFunction(() => document.body.innerText.includes('Answer fast'), null, wait);
  report.steps.push('loaded');

  writeFileSync(job.file, job.good);
  await page.waitForFunction(() => document.body.innerText.includes('GOOD-TITLE'), null, wait);
  report.steps.push('reloaded after an edit');

  writeFileSync(job.file, job.broken);
  await page.waitForSelector('#okrc-build-error', wait);
  const overlay = await page.innerText('#okrc-build-error');
  if (!overlay.includes('unknown-field')) throw new Error(`overlay without the diagnostic: ${overlay}`);
  report.steps.push('overlay on a failed build');

  writeFileSync(job.file, job.fixed);
  await page.waitForFunction(
    () => document.body.innerText.includes('FIXED-TITLE') && !document.getElementById('okrc-build-error'),
    null, wait);
  report.steps.push('recovered after the fix');
} catch (error) {
  report.failure = String(error);
} finally {
  await context.close();
  rmSync(userData, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
process.exit(report.failure || report.errors.length ? 1 : 0);
