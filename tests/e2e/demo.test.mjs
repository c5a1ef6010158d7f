// End to end: the demo built by trunk (dist/), served on 127.0.0.1, opened in headless Chromium.
// The page must name the WebGPU adapter and report every kernel check as passed.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { serveStatic, launchChromium, outputDir } from "./harness.mjs";

const dist = path.resolve(import.meta.dirname, "../../dist");

test("demo page shows the adapter and passing kernel checks", async () => {
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(server.url);

    const outcome = page.locator("#kernel-checks, #status[data-status=error]");
    await outcome.first().waitFor({ timeout: 120_000 });
    if (await page.locator("#status[data-status=error]").count()) {
      assert.fail(`demo reported an error: ${await page.locator("#status").innerText()}`);
    }
    const adapter = await page.locator("#adapter-name").innerText();
    const checks = await page.locator("#kernel-checks li").allInnerTexts();
    console.log(`WebGPU adapter (Chromium): ${adapter}`);
    for (const c of checks) console.log(`  ${c}`);
    await page.screenshot({ path: path.join(outputDir(), "demo-gpu-check.png") });

    assert.ok(adapter.length > 0, "adapter name is shown");
    assert.ok(checks.length > 0, "at least one kernel check is shown");
    assert.equal(await page.locator("#kernel-checks").getAttribute("data-status"), "pass", checks.join("\n"));
    assert.deepEqual(errors, [], "no page errors");
  } finally {
    await browser.close();
    await server.close();
  }
});
