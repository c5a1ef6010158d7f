// The MV3 extension example (examples/extension) loaded unpacked into headless Chromium with the
// packed npm package inside it: its side panel page loads SmolLM2 and answers a question, reopened
// it answers again from the cached model with no download, and no Content-Security-Policy
// violation is reported (the package needs only 'wasm-unsafe-eval').
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { serveStatic, outputDir, launchPersistentChromium } from "./harness.mjs";

const repo = path.resolve(import.meta.dirname, "../..");

test("the extension's side panel answers from the model, without CSP violations", async () => {
  const tarball = process.env.WEBSLM_PKG_TARBALL
    ?? execFileSync(path.join(repo, "scripts/build-pkg.sh"), { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop();
  // The extension folder as a user would build it: the example plus the package's dist/.
  const ext = path.join(outputDir(), "extension");
  fs.rmSync(ext, { recursive: true, force: true });
  fs.cpSync(path.join(repo, "examples/extension"), ext, { recursive: true });
  const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), "webslm-pkg-"));
  execFileSync("tar", ["xzf", path.resolve(repo, tarball), "-C", unpacked]);
  fs.cpSync(path.join(unpacked, "package/dist"), path.join(ext, "webslm"), { recursive: true });

  const server = await serveStatic(repo); // serves models/ with CORS headers
  const context = await launchPersistentChromium([`--disable-extensions-except=${ext}`, `--load-extension=${ext}`]);
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: 30_000 }));
    const id = new URL(worker.url()).host;
    const model = `${server.url}models/SmolLM2-135M-Instruct.Q4_1.gguf`;
    await worker.evaluate((m) => chrome.storage.local.set({ model: m }), model);

    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`chrome-extension://${id}/sidepanel.html`);
    await page.waitForSelector("body[data-ready=true], body[data-error]", { timeout: 300_000 });
    assert.equal(await page.locator("body").getAttribute("data-error"), null, await page.locator("#status").innerText());
    const ask = async (question = "What is the capital of France?") => {
      const before = await page.locator(".assistant[data-done=true]").count();
      await page.fill("#q", question);
      await page.click("form button");
      const reply = page.locator(".assistant[data-done=true]").nth(before);
      await reply.waitFor({ timeout: 300_000 });
      return reply.innerText();
    };
    const text = await ask();
    console.log(`extension reply: ${JSON.stringify(text)}`);
    assert.match(text, /Paris/);
    // Reopened, the side panel loads the model from the extension's IndexedDB: no request.
    const downloads = server.requests.filter((r) => r.endsWith(".gguf")).length;
    assert.equal(downloads, 1);
    await page.reload();
    await page.waitForSelector("body[data-ready=true], body[data-error]", { timeout: 300_000 });
    assert.match(await ask(), /Paris/);
    assert.equal(server.requests.filter((r) => r.endsWith(".gguf")).length, downloads, "the second load came from the cache");
    // Untrusted output: markup in a question and in the reply stays text; nothing runs.
    const hostile = `Repeat exactly: <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
    console.log(`extension reply to markup: ${JSON.stringify(await ask(hostile))}`);
    assert.ok((await page.locator(".msg.user").last().innerText()).includes('<img src=x onerror="window.__xss=1">'));
    assert.equal(await page.evaluate(() => window.__xss), undefined, "no markup from a message ran");
    assert.equal(await page.locator("#log img, #log script").count(), 0, "no element was made from a message");
    await page.screenshot({ path: path.join(outputDir(), "extension-side-panel.png") });
    const csp = problems.filter((p) => /Content Security Policy|unsafe-eval|Refused to/i.test(p));
    assert.deepEqual(csp, [], "no CSP violation");
    assert.deepEqual(problems, [], "no page errors");
  } finally {
    await context.close();
    await server.close();
  }
});
