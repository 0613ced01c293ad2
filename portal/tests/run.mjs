// Browser tests of the portal: playwright-core drives Debian's chromium (headless) against
// a real `diskret serve` with diskret-smsc and diskret-vault (see harness.mjs). Screenshots
// of each page go to --artifacts. Prints "N passed, N failed"; exit code 1 on any failure.
// Usage: node tests/run.mjs --bin BUILD/bin [--artifacts DIR] [--only NAME]
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { startStack } from "./harness.mjs";
import { tests } from "./portal.spec.mjs";

const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const bin = resolve(opt("--bin", "../build/bin"));
const artifacts = resolve(opt("--artifacts", "test-artifacts"));
const only = opt("--only", "");
const browserPath = process.env.DISKRET_CHROMIUM ?? "/usr/bin/chromium";
mkdirSync(artifacts, { recursive: true });

const started = Date.now();
const stack = await startStack(bin);
let browser;
let passed = 0, failed = 0;
try {
  browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ["--no-sandbox"] });
  for (const [name, fn] of Object.entries(tests)) {
    if (only && !name.includes(only)) continue;
    const context = await browser.newContext({ baseURL: stack.origin, locale: "en-US", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    const t0 = Date.now();
    try {
      await fn({ page, context, stack, browser, shot: (n) => page.screenshot({ path: join(artifacts, `${n}.png`), fullPage: true }) });
      const cspErrors = errors.filter((e) => /Content Security Policy/i.test(e));
      if (cspErrors.length) throw new Error(`CSP violations: ${cspErrors.join("; ")}`);
      passed++;
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name} (${Date.now() - t0} ms): ${e.stack ?? e}`);
      if (errors.length) console.log(`     browser errors: ${errors.join(" | ")}`);
      await page.screenshot({ path: join(artifacts, `FAILED-${name.replace(/\W+/g, "_")}.png`), fullPage: true }).catch(() => {});
    }
    await context.close();
  }
} catch (e) {
  failed++;
  console.log(`FAIL setup: ${e.stack ?? e}`);
} finally {
  if (browser) await browser.close();
  if (failed) console.log(stack.logs().split("\n").slice(-30).join("\n"));
  await stack.stop();
}
console.log(`portal browser tests: ${((Date.now() - started) / 1000).toFixed(1)} s, screenshots in ${artifacts}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
