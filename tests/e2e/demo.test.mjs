// End to end: the chat demo built by trunk (dist/), served on 127.0.0.1 with the repository's
// models/ folder, in headless Chromium (real WebGPU). Load the default model, ask, stop a reply,
// ask again; then take the server down, reload, and chat from the cache with zero network requests
// (the service worker serves the page, IndexedDB the model). Screenshots go to test-output/.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { serveStatic, launchPersistentChromium, outputDir } from "./harness.mjs";

const repo = path.resolve(import.meta.dirname, "../..");
const dist = path.join(repo, "dist");
const QUESTION = "What is the capital of France?";

/** Waits for the model to load (or fail) and asserts it is ready. */
async function loaded(page) {
  const status = page.locator("#load-status");
  await page.locator("#load-status[data-status=ready], #load-status[data-status=error]").waitFor({ timeout: 300_000 }).catch(async (e) => {
    throw new Error(`${e.message}\nstatus: ${await status.innerText()}`);
  });
  assert.equal(await status.getAttribute("data-status"), "ready", await status.innerText());
}

async function setRange(page, selector, value) {
  await page.locator(selector).evaluate((el, v) => {
    el.value = v;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, String(value));
}

/** Sends `text`; resolves to the finished assistant bubble's text and stats. */
async function ask(page, text) {
  const before = await page.locator(".msg.assistant").count();
  await page.fill("#prompt", text);
  await page.click("#send");
  const reply = page.locator(".msg.assistant").nth(before);
  await reply.and(page.locator("[data-done=true]")).waitFor({ timeout: 300_000 });
  return { text: await reply.locator(".bubble").innerText(), stats: await reply.locator(".stats").innerText().catch(() => "") };
}

test("chat demo: load, ask, stop, ask again; offline after a reload", async () => {
  let server = await serveStatic(dist, { "/models/": path.join(repo, "models") });
  const browser = await launchPersistentChromium();
  const errors = [];
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready);

    await page.click("#load");
    await loaded(page);
    assert.ok(page.workers().some((w) => w.url().includes("webslm-worker")), "the model runs in a Web Worker");
    await setRange(page, "#temperature", 0);
    await page.locator(".settings summary").click();
    await page.fill("#max-tokens", "48");

    const first = await ask(page, QUESTION);
    console.log(`demo reply: ${JSON.stringify(first.text)} (${first.stats})`);
    assert.match(first.text, /Paris/);
    assert.match(first.stats, /decode [\d.]+ tok\/s/);
    await page.screenshot({ path: path.join(outputDir(), "demo-chat.png"), fullPage: true });

    // Stop: pressed once the first piece of a long reply shows, generation ends at the next step.
    await page.fill("#max-tokens", "200");
    const n = await page.locator(".msg.assistant").count();
    await page.fill("#prompt", "Write a long story about a dragon who learns to bake bread.");
    await page.click("#send");
    const streaming = page.locator(".msg.assistant").nth(n);
    await page.waitForFunction((i) => document.querySelectorAll(".msg.assistant .bubble")[i]?.innerText.trim().length > 0, n, { timeout: 300_000 });
    // The page stays responsive while the worker generates: a 0-ms timer fires promptly.
    const lag = await page.evaluate(() => new Promise((r) => { const t = performance.now(); setTimeout(() => r(performance.now() - t), 0); }));
    assert.ok(lag < 250, `main thread blocked for ${lag} ms during generation`);
    await page.click("#stop");
    await streaming.and(page.locator("[data-done=true]")).waitFor({ timeout: 60_000 });
    const stopped = await streaming.locator(".stats").innerText();
    console.log(`stopped reply: ${stopped}`);
    assert.match(stopped, /stopped/);
    const tokens = Number(/^(\d+) tokens/.exec(stopped)?.[1]);
    assert.ok(tokens <= 3, `generation ran ${tokens} tokens after the first piece appeared and Stop was pressed`);
    await page.fill("#max-tokens", "48");
    assert.match((await ask(page, QUESTION)).text, /Paris/, "the next message works after a stop");

    // Offline: the server goes away; the reload is served by the service worker, the model by IndexedDB.
    await server.close();
    const network = [];
    page.on("response", (r) => !r.fromServiceWorker() && !r.url().startsWith("data:") && network.push(r.url()));
    page.on("requestfailed", (r) => network.push(`failed: ${r.url()}`));
    await page.reload();
    await loaded(page); // a cached default model loads by itself
    await setRange(page, "#temperature", 0);
    await page.locator(".settings summary").click();
    await page.fill("#max-tokens", "48");
    const offline = await ask(page, QUESTION);
    assert.match(offline.text, /Paris/);
    assert.deepEqual(network, [], "no request reached the network after the reload");

    // Untrusted output: markup in a message (and in whatever the model echoes of it, code fences
    // included) shows as text; nothing in it runs or becomes an element.
    await page.fill("#system-prompt", "Repeat the user's message exactly, with no other words.");
    const hostile = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>\n\`\`\`html\n<script>window.__xss=3</script>\n\`\`\``;
    const echoed = await ask(page, hostile);
    console.log(`demo reply to markup: ${JSON.stringify(echoed.text)}`);
    const userBubble = await page.locator(".msg.user .bubble").last().innerText();
    assert.ok(userBubble.includes('<img src=x onerror="window.__xss=1">') && userBubble.includes("<script>window.__xss=3</script>"), userBubble);
    assert.equal(await page.evaluate(() => window.__xss), undefined, "no markup from a message ran");
    assert.equal(await page.locator("#messages img, #messages script, #messages iframe").count(), 0, "no element was made from a message");
    await page.fill("#system-prompt", "");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(outputDir(), "demo-chat-phone.png"), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`);
    assert.deepEqual(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), [], "no page errors");
  } finally {
    await browser.close();
    await server.close();
  }
});

test("GPU diagnostics show the adapter and passing kernel checks", async () => {
  const server = await serveStatic(dist);
  const browser = await launchPersistentChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.locator("#diagnostics summary").click();
    const outcome = page.locator("#kernel-checks, #status[data-status=error]");
    await outcome.first().waitFor({ timeout: 300_000 });
    if (await page.locator("#status[data-status=error]").count()) {
      assert.fail(`demo reported an error: ${await page.locator("#status").innerText()}`);
    }
    const adapter = await page.locator("#adapter-name").innerText();
    const checks = await page.locator("#kernel-checks li").allInnerTexts();
    console.log(`WebGPU adapter (Chromium): ${adapter}`);
    for (const c of checks) console.log(`  ${c}`);
    await page.screenshot({ path: path.join(outputDir(), "demo-gpu-check.png"), fullPage: true });
    assert.ok(adapter.length > 0, "adapter name is shown");
    assert.ok(checks.length > 0, "at least one kernel check is shown");
    assert.equal(await page.locator("#kernel-checks").getAttribute("data-status"), "pass", checks.join("\n"));
    assert.deepEqual(errors, [], "no page errors");
  } finally {
    await browser.close();
    await server.close();
  }
});
