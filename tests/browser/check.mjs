// Checks built okrc sites in headless Chromium: axe-core finds no
// violations (in the light and the dark scheme), and no page scrolls
// sideways at a 375 px wide viewport. Optionally takes screenshots.
//
// Usage: node check.mjs '<json>' where json is
//   { "sites": ["/abs/site", ...],            every page of each: 375 px check
//     "axe": ["/abs/site/index.html", ...],    pages for axe-core
//     "screenshots": [["/abs/page.html", "/abs/out.png"], ...] }
// Prints one JSON report on stdout; exits 1 when there are problems.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const job = JSON.parse(process.argv[2]);

function htmlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...htmlFiles(path));
    else if (name.endsWith('.html')) out.push(path);
  }
  return out.sort();
}

const userData = mkdtempSync(join(tmpdir(), 'okrc-chromium-'));
const context = await chromium.launchPersistentContext(userData, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  viewport: { width: 375, height: 800 },
});
const report = { overflow: [], violations: [], requests: [], checked: 0 };
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30000);
  // The site loads nothing from other hosts: note any request that is not a file.
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) report.requests.push(request.url());
  });

  for (const site of job.sites ?? []) {
    for (const file of htmlFiles(site)) {
      await page.setViewportSize({ width: 375, height: 800 });
      await page.goto(pathToFileURL(file).href);
      const sizes = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      report.checked += 1;
      if (sizes.scroll > sizes.client) {
        report.overflow.push({ file, ...sizes });
      }
    }
  }

  for (const file of job.axe ?? []) {
    for (const scheme of ['light', 'dark']) {
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(pathToFileURL(file).href);
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const r = await axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, summary: n.failureSummary })),
          }));
        });
        for (const violation of result) {
          report.violations.push({ file, scheme, width, ...violation });
        }
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });

  for (const [file, png] of job.screenshots ?? []) {
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(pathToFileURL(file).href);
    await page.screenshot({ path: png, fullPage: false });
  }
} finally {
  await context.close();
  rmSync(userData, { recursive: true, force: true });
}

console.log(JSON.stringify(report, null, 2));
const failed = report.overflow.length + report.violations.length + report.requests.length;
process.exit(failed > 0 ? 1 : 0);
