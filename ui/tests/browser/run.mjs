// Browser test of the built UI: serves ui/dist on loopback, drives Debian's Chromium through
// playwright-core with Tauri's IPC replaced by an in-memory fake (tauri-ipc-mock.js), walks
// first run → save key → settings → remove key, and runs axe-core on every screen, failing on
// any serious or critical violation. Screenshots go to ui/test-results/.
//
// Run with `npm run test:browser` (which builds first). CHROMIUM overrides the browser path.

import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { preview } from "vite";
import { installTauriMock } from "./tauri-ipc-mock.js";

const UI_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RESULTS = path.join(UI_ROOT, "test-results");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
// The app window's size from tauri.conf.json.
const VIEWPORT = { width: 1280, height: 820 };
const WAIT_MS = 15_000;

const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

/** The app's own Content-Security-Policy, so the test fails where the app would. */
async function appCsp() {
  const config = JSON.parse(await readFile(path.join(UI_ROOT, "..", "tauri.conf.json"), "utf8"));
  /** @type {Record<string, string> | undefined} */
  const csp = config?.app?.security?.csp;
  if (!csp || typeof csp !== "object") return undefined;
  return Object.entries(csp)
    .map(([directive, sources]) => `${directive} ${sources}`)
    .join("; ");
}

/**
 * @typedef {import("playwright-core").Page} Page
 * @typedef {{ hasKey?: boolean, settings?: Record<string, unknown>, notice?: string | null }} Seed
 * @typedef {{ seed?: Seed, colorScheme?: "light" | "dark", reducedMotion?: "reduce" | "no-preference" }} PageOptions
 */

/** @type {{ name: string, options: PageOptions, body: (page: Page) => Promise<void> }[]} */
const tests = [];

/** @param {string} name @param {PageOptions} options @param {(page: Page) => Promise<void>} body */
function test(name, options, body) {
  tests.push({ name, options, body });
}

/** @param {Page} page @param {string} name */
async function screenshot(page, name) {
  await page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });
}

/**
 * Runs axe-core on the page as it is and fails on serious or critical violations.
 * @param {Page} page @param {string} where
 */
async function checkAccessibility(page, where) {
  // Colours mid-transition (a theme change fades over 150 ms) are neither theme's colours.
  await page.waitForFunction(() =>
    document.getAnimations().every((animation) => animation.playState !== "running"),
  );
  const loaded = await page.evaluate(() => "axe" in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await /** @type {any} */ (window).axe.run(document, {
      resultTypes: ["violations"],
    });
    return result.violations.map(
      /** @param {any} v */ (v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map(/** @param {any} n */ (n) => n.target.join(" ")),
      }),
    );
  });
  for (const v of violations) {
    if (v.impact !== "serious" && v.impact !== "critical") {
      console.log(`    note (${where}): ${v.impact} ${v.id}: ${v.help} — ${v.targets.join(", ")}`);
    }
  }
  const blocking = violations.filter(
    /** @param {{impact: string}} v */ (v) => v.impact === "serious" || v.impact === "critical",
  );
  assert.deepEqual(
    blocking.map(
      /** @param {{impact: string, id: string, help: string, targets: string[]}} v */
      (v) => `${v.impact} ${v.id}: ${v.help} — ${v.targets.join(", ")}`,
    ),
    [],
    `accessibility violations on ${where}`,
  );
}

/** @param {Page} page @param {string} cmd */
async function callsOf(page, cmd) {
  return page.evaluate(
    (name) =>
      /** @type {any} */ (window).__castwrightTest.calls.filter(
        /** @param {{cmd: string}} c */ (c) => c.cmd === name,
      ).length,
    cmd,
  );
}

/** @param {Page} page */
async function engineState(page) {
  return page.evaluate(() => /** @type {any} */ (window).__castwrightTest.state);
}

/** Waits until the fake engine's state satisfies `check`. @param {Page} page @param {string} check */
async function waitForEngine(page, check) {
  await page.waitForFunction(
    (expression) => {
      const state = /** @type {any} */ (window).__castwrightTest.state;
      return Function("state", `return (${expression});`)(state);
    },
    check,
    { timeout: WAIT_MS },
  );
}

// ---------------------------------------------------------------------------------------------

test("first run shows the onboarding screen", {}, async (page) => {
  const root = page.getByTestId("onboarding");
  await root.waitFor();
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Welcome to Castwright");
  assert.match(await root.innerText(), /kept in your computer's keychain, never in a file/);
  assert.equal(await page.getByTestId("key-input").getAttribute("type"), "password");
  const link = page.getByRole("link", { name: /OpenRouter keys page/ });
  assert.equal(await link.getAttribute("href"), "https://openrouter.ai/keys");
  assert.equal(await link.getAttribute("rel"), "noreferrer");
  assert.equal(await link.getAttribute("target"), "_blank");
  await checkAccessibility(page, "first run");
  await screenshot(page, "01-onboarding");
});

test("an empty key is refused without calling the engine", {}, async (page) => {
  await page.getByTestId("onboarding").waitFor();
  await page.getByTestId("key-input").fill("   ");
  await page.getByTestId("save-key").click();
  const error = page.getByTestId("key-error");
  await error.waitFor();
  assert.match(await error.innerText(), /Paste your OpenRouter key/);
  assert.equal(await callsOf(page, "set_key"), 0);
  await checkAccessibility(page, "first run with a field error");
  await screenshot(page, "02-onboarding-empty-key");
});

test("a keychain failure is shown in plain words", {}, async (page) => {
  await page.getByTestId("onboarding").waitFor();
  const message =
    "Castwright could not open your computer's keychain. Unlock it (or sign in again) and try again.";
  await page.evaluate(
    (msg) =>
      /** @type {any} */ (window).__castwrightTest.failNext("set_key", {
        code: "keychain_unavailable",
        message: msg,
      }),
    message,
  );
  await page.getByTestId("key-input").fill("sk-or-v1-test");
  await page.getByTestId("save-key").click();
  const alert = page.getByTestId("save-key-error");
  await alert.waitFor();
  assert.match(await alert.innerText(), /could not open your computer's keychain/);
  assert.equal(await alert.getAttribute("role"), "alert");
  await checkAccessibility(page, "first run with a keychain error");
  await screenshot(page, "03-onboarding-keychain-error");

  await page.getByRole("button", { name: "Try again" }).click();
  await page.getByTestId("settings").waitFor();
});

test("the first run works from the keyboard alone", {}, async (page) => {
  await page.getByTestId("onboarding").waitFor();
  let focused = "";
  for (let i = 0; i < 8 && focused !== "key-input"; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(
      () => document.activeElement?.getAttribute("data-testid") ?? "",
    );
  }
  assert.equal(focused, "key-input", "Tab should reach the key field");
  const outline = await page.evaluate(() => {
    const el = /** @type {HTMLElement} */ (document.activeElement);
    return getComputedStyle(el).outlineStyle;
  });
  assert.notEqual(outline, "none", "the focused field should show a focus ring");
  await page.keyboard.type("sk-or-v1-keyboard");
  await page.keyboard.press("Enter");
  await page.getByTestId("settings").waitFor();
  assert.equal((await engineState(page)).hasKey, true);
});

test("save key → settings → change settings → remove key", {}, async (page) => {
  await page.getByTestId("onboarding").waitFor();
  await page.getByTestId("key-input").fill("sk-or-v1-walkthrough");
  await page.getByTestId("save-key").click();

  await page.getByTestId("settings").waitFor();
  await page.getByTestId("key-status").filter({ hasText: "A key is set" }).waitFor();
  assert.match(
    await page.getByTestId("data-dir").innerText(),
    /com\.castwright\.desktop/,
  );
  await checkAccessibility(page, "settings (light)");
  await screenshot(page, "04-settings");

  await page.getByLabel("Dark", { exact: true }).check();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  await waitForEngine(page, `state.settings.theme === "dark"`);
  await page.getByTestId("save-state").filter({ hasText: "Saved" }).waitFor();
  await checkAccessibility(page, "settings (dark)");
  await screenshot(page, "05-settings-dark");

  const limit = page.getByTestId("episode-limit");
  await limit.fill("abc");
  await limit.press("Tab");
  await page.getByRole("alert").filter({ hasText: "spending limit per episode" }).waitFor();
  assert.equal((await engineState(page)).settings.default_budget_usd, "3.00");
  await checkAccessibility(page, "settings with a field error");
  await limit.fill("5");
  await limit.press("Tab");
  await waitForEngine(page, `state.settings.default_budget_usd === "5.00"`);

  await page.getByTestId("privacy").check();
  await waitForEngine(page, `state.settings.privacy_deny_data_collection === true`);

  await page.getByTestId("remove-key").click();
  await page.getByTestId("confirm-remove-key").waitFor();
  await checkAccessibility(page, "remove key confirmation");
  await screenshot(page, "06-remove-key-confirm");
  assert.equal((await engineState(page)).hasKey, true, "nothing is removed before confirming");

  await page.getByTestId("confirm-remove-key").click();
  await page.getByTestId("onboarding").waitFor();
  assert.equal((await engineState(page)).hasKey, false);
  // The dark theme chosen above stays applied on the first-run screen.
  await checkAccessibility(page, "first run (dark)");
  await screenshot(page, "07-onboarding-after-remove");
});

test(
  "the system theme follows the computer's dark mode",
  { seed: { hasKey: true }, colorScheme: "dark" },
  async (page) => {
    await page.getByTestId("settings").waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, "rgb(18, 20, 24)");
    await checkAccessibility(page, "settings (system dark)");
    await screenshot(page, "08-settings-system-dark");
  },
);

test(
  "a settings notice is shown calmly",
  {
    seed: {
      hasKey: true,
      notice: "Some settings could not be read, so Castwright used its defaults for them.",
    },
  },
  async (page) => {
    const notice = page.getByTestId("settings-notice");
    await notice.waitFor();
    assert.equal(await notice.getAttribute("role"), "status");
    await checkAccessibility(page, "settings with a notice");
    await screenshot(page, "09-settings-notice");
    await notice.getByRole("button", { name: "OK" }).click();
    await notice.waitFor({ state: "detached" });
  },
);

test("motion is turned off when the computer asks for less", { reducedMotion: "reduce" }, async (page) => {
  await page.getByTestId("onboarding").waitFor();
  const duration = await page.evaluate(
    () => getComputedStyle(/** @type {Element} */ (document.querySelector("button"))).transitionDuration,
  );
  assert.ok(Number.parseFloat(duration) < 0.001, `transition-duration was ${duration}`);
});

// ---------------------------------------------------------------------------------------------

async function main() {
  await mkdir(RESULTS, { recursive: true });
  const csp = await appCsp();
  const server = await preview({
    root: UI_ROOT,
    logLevel: "warn",
    preview: {
      host: "127.0.0.1",
      port: 0,
      strictPort: true,
      open: false,
      headers: csp ? { "Content-Security-Policy": csp } : {},
    },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === "string") throw new Error("the preview server has no port");
  const url = `http://127.0.0.1:${address.port}/`;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  let passed = 0;
  let failed = 0;
  try {
    for (const { name, options, body } of tests) {
      const context = await browser.newContext({
        viewport: VIEWPORT,
        colorScheme: options.colorScheme ?? "light",
        reducedMotion: options.reducedMotion ?? "no-preference",
      });
      context.setDefaultTimeout(WAIT_MS);
      await context.addInitScript(installTauriMock, options.seed ?? {});
      const page = await context.newPage();
      /** @type {string[]} */
      const pageErrors = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") pageErrors.push(message.text());
      });
      try {
        const response = await page.goto(url);
        if (csp) {
          assert.equal(response?.headers()["content-security-policy"], csp, "the app's CSP applies");
        }
        await body(page);
        assert.deepEqual(pageErrors, [], "errors in the page");
        passed++;
        console.log(`ok   ${name}`);
      } catch (error) {
        failed++;
        console.log(`FAIL ${name}`);
        console.log(`     ${String(error instanceof Error ? error.message : error).replaceAll("\n", "\n     ")}`);
        await screenshot(page, `failed-${tests.findIndex((t) => t.name === name) + 1}`).catch(
          () => {},
        );
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    console.log("0 passed, 1 failed");
    process.exit(1);
  },
);
