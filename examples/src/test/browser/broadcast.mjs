// The broadcast example's page in a real browser (Debian's chromium through playwright-core),
// driven by BrowserTest: node broadcast.mjs <page url> <screenshot path>.
//
// Protocol with the test on stdin/stdout: this script prints "restart-server" when it wants the
// server restarted and waits for a line "restarted"; it prints "ok" and exits 0 when every check
// passed, or prints "FAILED: why" and exits 1. Every wait is bounded (WAIT_MS), so a hung browser
// fails instead of hanging the build.
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";

const [url, screenshot] = process.argv.slice(2);
const WAIT_MS = 30_000;
const lines = createInterface({ input: process.stdin });
const pendingLines = [];
let lineWaiter = null;
lines.on("line", line => {
  if (lineWaiter) { const w = lineWaiter; lineWaiter = null; w(line); } else pendingLines.push(line);
});
const nextLine = () => pendingLines.length ? Promise.resolve(pendingLines.shift())
    : new Promise(resolve => { lineWaiter = resolve; });

function check(condition, what) {
  if (!condition) throw new Error(what);
}

// Console errors and failed requests of every tab. While the server is down for the restart the
// browser reports its refused reconnection attempts as console errors; those, and only those,
// are expected inside that window.
const problems = [];
let restarting = false;
function watch(page, name) {
  page.on("console", msg => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    if (restarting && /WebSocket connection to .* failed/.test(text)) return;
    problems.push(`${name} console error: ${text}`);
  });
  page.on("pageerror", err => problems.push(`${name} page error: ${err.message}`));
  page.on("response", response => {
    if (response.status() >= 400) problems.push(`${name} HTTP ${response.status()} for ${response.url()}`);
  });
  page.on("requestfailed", request => {
    if (restarting && request.url().startsWith("ws")) return;
    problems.push(`${name} request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  timeout: WAIT_MS,
});
try {
  const context = await browser.newContext();
  const a = await context.newPage();
  const b = await context.newPage();
  watch(a, "tab A");
  watch(b, "tab B");
  for (const page of [a, b]) {
    await page.goto(url, { timeout: WAIT_MS });
    await page.waitForSelector("#state.open", { timeout: WAIT_MS });
  }

  // permessage-deflate: what the browser agreed with the server, from the page's own socket.
  for (const [name, page] of [["tab A", a], ["tab B", b]]) {
    const extensions = await page.evaluate(() => socket.extensions);
    check(/^permessage-deflate\b/.test(extensions), `${name} negotiated "${extensions}", not permessage-deflate`);
  }

  // A message sent from one tab shows in both (the broadcast), with its arrow.
  async function sendAndSeeInBoth(text) {
    await a.fill("#text", text);
    await a.click("#send");
    for (const [name, page] of [["tab A", a], ["tab B", b]]) {
      await page.waitForFunction(t => [...document.querySelectorAll("#log li.received")]
          .some(li => li.textContent.endsWith("← " + t)), text, { timeout: WAIT_MS })
          .catch(() => { throw new Error(`${name} never showed "${text}"`); });
    }
  }
  await sendAndSeeInBoth("hello from tab A " + Date.now());

  // The server restarts: both tabs see the close, reconnect by themselves, and broadcast again.
  restarting = true;
  console.log("restart-server");
  const answer = await Promise.race([nextLine(),
    new Promise((_, reject) => setTimeout(() => reject(new Error("no answer to restart-server")), WAIT_MS))]);
  check(answer === "restarted", `expected "restarted", got "${answer}"`);
  for (const [name, page] of [["tab A", a], ["tab B", b]]) {
    await page.waitForFunction(() => [...document.querySelectorAll("#log li.info")]
        .some(li => li.textContent.includes("closed (1001")), null, { timeout: WAIT_MS })
        .catch(() => { throw new Error(`${name} never showed the server's 1001`); });
    await page.waitForFunction(() => document.querySelectorAll("#log li.info").length >= 3
        && document.getElementById("state").className === "open", null, { timeout: WAIT_MS })
        .catch(() => { throw new Error(`${name} did not reconnect after the restart`); });
  }
  restarting = false;
  await sendAndSeeInBoth("after the restart " + Date.now());

  await a.screenshot({ path: screenshot, fullPage: true });
  check(problems.length === 0, "the page had problems:\n  " + problems.join("\n  "));
  console.log("ok");
} catch (e) {
  console.log("FAILED: " + e.message);
  process.exitCode = 1;
} finally {
  await browser.close();
  lines.close();
}
