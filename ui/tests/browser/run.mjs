// Browser test of the built UI: serves ui/dist on loopback, drives Debian's Chromium through
// playwright-core with Tauri's IPC replaced by an in-memory fake engine (tauri-ipc-mock.js),
// walks every screen — first run (key or demo), library, workspace (drop notes, run, stream,
// cancel, resume, re-run a stage, refusals), script editor (edit, versions, diff, restore),
// export, usage dashboard, settings — in both themes and at 1024×700 and larger, and runs
// axe-core on each, failing on any serious or critical violation. Screenshots go to
// ui/test-results/.
//
// Run with `npm run test:browser` (which builds first). CHROMIUM overrides the browser path.

import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { preview } from "vite";
import { tauriMockScript } from "./tauri-ipc-mock.js";

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
// The app window's size from tauri.conf.json, its smallest allowed size, and a large screen.
const VIEWPORT = { width: 1280, height: 820 };
const SMALLEST = { width: 1024, height: 700 };
const LARGE = { width: 1600, height: 1000 };
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
 * @typedef {import("./tauri-ipc-mock.js").Seed} Seed
 * @typedef {{ seed?: Seed, colorScheme?: "light" | "dark", reducedMotion?: "reduce" | "no-preference", viewport?: { width: number, height: number } }} PageOptions
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

// ---- the producer's app, screen by screen ---------------------------------------------------

const NOTE_PATHS = [
  "/home/producer/Research/voyager-facts.pdf",
  "/home/producer/Research/committee-interview.docx",
  "/home/producer/Research/cover-photo.png",
];

/** @param {Page} page @param {string} testid @param {string} needle */
async function waitText(page, testid, needle) {
  await page.getByTestId(testid).filter({ hasText: needle }).first().waitFor();
}

/** @param {Page} page */
async function waitForStagesDone(page) {
  for (const stage of ["research", "synthesis", "script", "quality_check"]) {
    await page.locator(`[data-testid=stage-${stage}][data-status=done]`).waitFor();
  }
}

/** Creates an episode through the dialog and waits for its workspace. @param {Page} page @param {string} title */
async function createEpisode(page, title) {
  await page.getByTestId("new-episode").first().click();
  await page.getByTestId("new-episode-dialog").waitFor();
  await page.getByTestId("new-episode-title").fill(title);
  await page.getByTestId("create-episode").click();
  await page.getByTestId("workspace").waitFor();
}

test("try it without a key: the demo is labelled everywhere", {}, async (page) => {
  await page.getByTestId("onboarding").waitFor();
  await page.getByTestId("try-demo").click();
  await page.getByTestId("library").waitFor();
  const label = page.getByTestId("demo-label");
  assert.equal(
    (await label.innerText()).trim().replace(/^◇\s*/, ""),
    "Simulated — prices are examples; nothing is charged",
  );
  assert.equal((await engineState(page)).settings.connection, "demo");
  await page.getByTestId("library-empty").waitFor();
  await checkAccessibility(page, "library, empty, on the demo");
  await screenshot(page, "10-library-empty");
  // Every screen keeps the label.
  await page.getByTestId("nav-usage").click();
  await page.getByTestId("usage").waitFor();
  assert.ok(await label.isVisible(), "the demo label shows on the usage screen");
  await page.getByTestId("nav-settings").click();
  await page.getByTestId("demo-status").waitFor();
  assert.ok(await label.isVisible(), "the demo label shows in settings");
  await page.getByTestId("test-connection").click();
  await waitText(page, "connection-test", "(simulated)");
});

test(
  "a new episode: drop notes, run all four stages, read the script, export it",
  // Steps long enough that a running stage stays on screen while the test looks for it: the
  // page draws streamed text per frame, so a short stage can finish between two looks.
  { seed: { connection: "demo", stepMs: 80 }, viewport: SMALLEST },
  async (page) => {
    await page.getByTestId("library").waitFor();
    await page.getByTestId("new-episode").first().click();
    await page.getByTestId("new-episode-dialog").waitFor();
    // The dialog refuses an empty title without calling the engine.
    await page.getByTestId("create-episode").click();
    await page.getByRole("alert").filter({ hasText: "Give the episode a title" }).waitFor();
    assert.equal(await callsOf(page, "create_episode"), 0);
    await checkAccessibility(page, "new episode dialog");
    await screenshot(page, "11-new-episode");
    await page.getByTestId("new-episode-title").fill("The Golden Record");
    await page.getByTestId("create-episode").click();

    await page.getByTestId("workspace").waitFor();
    await page.getByTestId("notes-empty").waitFor();
    assert.equal(await page.getByTestId("run").isDisabled(), true, "Run waits for notes");
    await checkAccessibility(page, "workspace, no notes (1024×700)");
    await screenshot(page, "12-workspace-empty");

    // Files dragged over the window: the overlay says where they go; dropped: they are added,
    // and the file that cannot be read is explained.
    await page.evaluate((paths) => /** @type {any} */ (window).__castwrightTest.dragEnter(paths), NOTE_PATHS);
    await waitText(page, "drop-overlay", "The Golden Record");
    await screenshot(page, "13-drop-overlay");
    await page.evaluate((paths) => /** @type {any} */ (window).__castwrightTest.drop(paths), NOTE_PATHS);
    await page.getByTestId("drop-overlay").waitFor({ state: "detached" });
    await waitText(page, "notes-result", "Added 2 notes");
    await waitText(page, "notes-skipped", "cover-photo.png");
    assert.equal(await page.getByTestId("note").count(), 2);
    const added = await page.evaluate(() =>
      /** @type {any} */ (window).__castwrightTest.calls.filter((/** @type {any} */ c) => c.cmd === "add_note_paths"),
    );
    assert.deepEqual(added[0].args.paths, NOTE_PATHS);
    await page.getByTestId("estimate").waitFor();
    assert.match(await page.getByTestId("estimate").innerText(), /at most \$0\.11/);
    // Models by name, with what 1,000 words cost, and the routing in plain words.
    const research = page.getByTestId("stage-research");
    assert.match(await research.innerText(), /Llama 3\.3 70B Instruct/);
    assert.match(await research.innerText(), /per 1,000 words/);
    assert.match(await research.innerText(), /Cheapest/);
    assert.doesNotMatch(await research.innerText(), /meta-llama\//);
    await checkAccessibility(page, "workspace with notes");
    await screenshot(page, "14-workspace-notes");

    await page.getByTestId("run").click();
    await page.getByTestId("cancel-run").waitFor();
    await page.locator("[data-testid=stage-research][data-status=running]").waitFor();
    await screenshot(page, "15-running");
    await waitForStagesDone(page);
    // The switch to a backup model, in the one phrasing.
    await waitText(page, "handover", "Claude Sonnet 4 was unavailable — GPT-4.1 took over");
    for (const [stage, cost] of [["research", "<$0.01"], ["synthesis", "<$0.01"], ["script", "$0.04"], ["quality_check", "<$0.01"]]) {
      assert.equal(
        (await page.getByTestId(`stage-${stage}`).getByTestId("stage-cost").innerText()).trim(),
        cost,
        `${stage} shows its cost`,
      );
    }
    const exact = await page.getByTestId("stage-research").getByTestId("stage-cost").locator("span").getAttribute("title");
    assert.equal(exact, "Exactly $0.0012");
    assert.equal((await page.getByTestId("episode-spent").innerText()).trim(), "$0.05");
    await waitText(page, "run-summary", "less than sending everything to Claude 3 Opus");
    await checkAccessibility(page, "workspace after a run");
    await screenshot(page, "16-workspace-done");

    await page.getByTestId("open-script").click();
    await page.getByTestId("script-editor").waitFor();
    await page.getByTestId("verdict-score").waitFor();
    assert.match(await page.getByTestId("verdict-score").innerText(), /82/);
    // The unsupported claim is marked in the script itself.
    const marked = page.locator("article mark");
    assert.match(await marked.first().innerText(), /Carl Sagan said it was the most important thing/);
    assert.match(await page.getByTestId("script-stats").innerText(), /words · (about \d+ minutes?|under a minute)/);
    await checkAccessibility(page, "script editor");
    await screenshot(page, "17-script");

    // Editing saves as you type, as a new version.
    await page.getByTestId("edit-script").click();
    const editor = page.getByTestId("script-text");
    await editor.press("End");
    await editor.type("\nSAM: See you next week.");
    await page.waitForFunction(() =>
      /** @type {any} */ (window).__castwrightTest.state.episodes[0].artifacts.some(
        (/** @type {any} */ a) => a.kind === "edit" && a.content.includes("See you next week."),
      ),
    );
    await page.getByTestId("done-editing").click();
    await page.getByText("See you next week.").waitFor();

    await page.getByTestId("open-versions").click();
    await page.getByTestId("diff").waitFor();
    assert.match(await page.getByTestId("diff").innerText(), /See you next week\./);
    await checkAccessibility(page, "versions with a diff");
    await screenshot(page, "18-versions");
    await page.getByTestId("restore-version").click();
    await page.getByTestId("versions").waitFor({ state: "detached" });
    await page.waitForFunction(
      () =>
        /** @type {any} */ (window).__castwrightTest.state.episodes[0].artifacts.filter(
          (/** @type {any} */ a) => a.stage === "script",
        ).length === 3,
    );

    await page.getByTestId("open-export").click();
    await page.getByTestId("export-dialog").waitFor();
    await page.getByTestId("format-docx").check();
    await checkAccessibility(page, "export dialog");
    await page.getByTestId("export-now").click();
    await waitText(page, "export-done", "The Golden Record.docx");
    await screenshot(page, "19-export-done");
    await page.getByTestId("show-in-folder").click();
    assert.equal(await callsOf(page, "show_in_folder"), 1);
    const exportCall = await page.evaluate(() =>
      /** @type {any} */ (window).__castwrightTest.calls.find((/** @type {any} */ c) => c.cmd === "export_script"),
    );
    assert.equal(exportCall.args.format, "docx");
    assert.equal(exportCall.args.includeShowNotes, true);
  },
);

test("cancel keeps a draft and offers Resume", { seed: { connection: "demo", stepMs: 120 } }, async (page) => {
  await page.getByTestId("library").waitFor();
  await createEpisode(page, "Apollo's last day");
  await page.evaluate(() => /** @type {any} */ (window).__castwrightTest.drop(["/n/apollo.md"]));
  await waitText(page, "notes-result", "Added 1 note");
  await page.getByTestId("estimate").waitFor();
  await page.getByTestId("run").click();
  await page.locator("[data-testid=stage-research][data-status=running]").waitFor();
  await page.getByTestId("cancel-run").click();
  await waitText(page, "run-error", "kept as a draft");
  assert.equal(await page.getByRole("button", { name: /Resume/ }).count(), 1, "one Resume");
  assert.equal(await page.getByTestId("resume-notice").count(), 0, "one message");
  assert.equal(await page.getByTestId("run-error").getAttribute("role"), "status", "a cancel is calm, not an alert");
  await page.getByTestId("resume-run").waitFor();
  await checkAccessibility(page, "workspace after cancel");
  await screenshot(page, "20-cancelled");
  await page.getByTestId("resume-run").click();
  await waitForStagesDone(page);
});

test("running out of credit says what to do", { seed: { connection: "demo", runFault: "credits" } }, async (page) => {
  await page.getByTestId("library").waitFor();
  await createEpisode(page, "Credit test");
  await page.evaluate(() => /** @type {any} */ (window).__castwrightTest.drop(["/n/notes.txt"]));
  await page.getByTestId("estimate").waitFor();
  await page.getByTestId("run").click();
  await waitText(page, "run-error", "Your OpenRouter credit ran out");
  await page.getByRole("button", { name: "Add credits on OpenRouter" }).click();
  const link = await page.evaluate(() =>
    /** @type {any} */ (window).__castwrightTest.calls.find((/** @type {any} */ c) => c.cmd === "open_link"),
  );
  assert.equal(link.args.link, "add_credits");
  assert.equal(await page.getByTestId("stage-research").getAttribute("data-status"), "done");
  await checkAccessibility(page, "run stopped for credit");
  await screenshot(page, "21-credit-ran-out");
});

test(
  "a run that cannot fit the limit is refused before anything is spent",
  { seed: { connection: "demo", settings: { default_budget_usd: "0.05" } } },
  async (page) => {
    await page.getByTestId("library").waitFor();
    await createEpisode(page, "Tight budget");
    await page.evaluate(() => /** @type {any} */ (window).__castwrightTest.drop(["/n/notes.txt"]));
    await page.getByTestId("estimate").waitFor();
    await page.getByTestId("run").click();
    const refusal = page.getByTestId("refusal");
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /This run could cost up to \$0\.11; this episode has \$0\.05 left/);
    assert.equal(await callsOf(page, "run_episode"), 0);
    await checkAccessibility(page, "refusal");
    await screenshot(page, "22-refusal");
    await refusal.getByRole("button", { name: "Raise the limit" }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "brief-budget");
  },
);

test(
  "re-run one stage on another model",
  { seed: { connection: "demo", episodes: "sample" } },
  async (page) => {
    await page.getByTestId("library").waitFor();
    await page.getByTestId("open-episode").filter({ hasText: "The Golden Record" }).click();
    await page.getByTestId("workspace").waitFor();
    await page.locator("[data-testid=stage-script][data-status=done]").waitFor();
    await page.getByTestId("rerun-script").click();
    await page.getByTestId("rerun-dialog").waitFor();
    await page.getByTestId("rerun-model").selectOption("openai/gpt-4.1");
    await checkAccessibility(page, "re-run dialog");
    await screenshot(page, "23-rerun");
    await page.getByTestId("rerun-confirm").click();
    await page.waitForFunction(() => {
      const state = /** @type {any} */ (window).__castwrightTest.state;
      return (
        state.running.size === 0 &&
        state.episodes[0].artifacts.filter((/** @type {any} */ a) => a.stage === "quality_check").length === 2
      );
    });
    await page.getByTestId("run").waitFor();
    await page.locator("[data-testid=stage-quality_check][data-status=done]").waitFor();
    const run = await page.evaluate(() =>
      /** @type {any} */ (window).__castwrightTest.calls.find((/** @type {any} */ c) => c.cmd === "run_episode"),
    );
    assert.equal(run.args.rerun, "script");
    assert.deepEqual(run.args.rerunChain.models, ["openai/gpt-4.1", "anthropic/claude-sonnet-4"]);
    assert.equal(await page.getByTestId("stage-research").getAttribute("data-status"), "reused");
  },
);

test(
  "an interrupted run offers Resume",
  { seed: { hasKey: true, episodes: "sample", interrupted: true } },
  async (page) => {
    await page.getByTestId("library").waitFor();
    await page.getByTestId("open-episode").filter({ hasText: "The Golden Record" }).click();
    await page.getByTestId("resume-notice").waitFor();
    await page.getByTestId("resume-run").waitFor();
    assert.equal(await page.getByTestId("demo-label").count(), 0, "no demo label on a real key");
  },
);

test("the library: search, duplicate, archive, delete after asking", { seed: { hasKey: true, episodes: "sample" } }, async (page) => {
  await page.getByTestId("library").waitFor();
  assert.equal(await page.getByTestId("episode-card").count(), 2);
  const golden = page.getByTestId("episode-card").filter({ hasText: "The Golden Record" });
  assert.match(await golden.innerText(), /Done/);
  assert.match(await golden.innerText(), /\$0\.05\s*of\s*\$3\.00/);
  await checkAccessibility(page, "library");
  await screenshot(page, "24-library");

  await page.getByTestId("episode-search").fill("apollo");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=episode-card]").length === 1);
  await page.getByTestId("episode-search").fill("");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=episode-card]").length === 2);

  await golden.getByRole("button", { name: /^Duplicate/ }).click();
  await page.getByTestId("episode-card").filter({ hasText: "The Golden Record (copy)" }).waitFor();

  const copy = page.getByTestId("episode-card").filter({ hasText: "(copy)" });
  await copy.getByRole("button", { name: /^Archive/ }).click();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=episode-card]").length === 2);
  await page.getByTestId("show-archived").check();
  await page.getByTestId("episode-card").filter({ hasText: "Archived" }).waitFor();

  await page.getByTestId("episode-card").filter({ hasText: "Apollo" }).getByRole("button", { name: /^Delete/ }).click();
  await page.getByTestId("confirm-delete").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Keep it", "the safe choice has the focus");
  await checkAccessibility(page, "delete confirmation");
  await page.keyboard.press("Escape");
  await page.getByTestId("confirm-delete").waitFor({ state: "detached" });
  assert.equal((await engineState(page)).episodes.length, 3, "Escape keeps the episode");
  await page.getByTestId("episode-card").filter({ hasText: "Apollo" }).getByRole("button", { name: /^Delete/ }).click();
  await page.getByTestId("confirm-delete-episode").click();
  await page.getByTestId("confirm-delete").waitFor({ state: "detached" });
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=episode-card]").length === 2);
  assert.equal((await engineState(page)).episodes.length, 2);
});

test("the usage dashboard: charts, alerts, health, quality and the request log", { seed: { hasKey: true, episodes: "sample" } }, async (page) => {
  await page.getByTestId("nav-usage").click();
  await page.getByTestId("usage").waitFor();
  for (const id of ["chart-day", "chart-model", "chart-stage", "chart-episode"]) {
    await page.locator(`[data-testid=${id}] canvas`).waitFor();
  }
  assert.equal((await page.getByTestId("usage-total").innerText()).trim(), "$0.85");
  assert.match(await page.getByTestId("credit").innerText(), /\$1\.20/);
  assert.match(await page.getByTestId("cache-savings").innerText(), /\$0\.04/);
  assert.match(await page.getByTestId("quality-by-model").innerText(), /Claude Sonnet 4/);
  assert.match(await page.getByTestId("model-health").innerText(), /Resting 42s/);
  assert.match(await page.getByTestId("errors-by-kind").innerText(), /Too busy — asked us to slow down/);
  // Tokens appear in the request log, and only there.
  assert.match(await page.getByTestId("request-log").innerText(), /Tokens in \/ out/);
  assert.doesNotMatch(await page.locator("main").innerText().then((t) => t.replace(/Request log[\s\S]*/, "")), /token/i);
  assert.equal(await page.getByTestId("log-row").count(), 50);
  await checkAccessibility(page, "usage dashboard (light)");
  await screenshot(page, "25-usage");

  await page.getByTestId("log-more").click();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=log-row]").length === 100);
  await page.getByTestId("log-status").selectOption("error");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=log-row]").length === 7);
  const last = await page.evaluate(() =>
    /** @type {any} */ (window).__castwrightTest.calls.filter((/** @type {any} */ c) => c.cmd === "usage_request_log").at(-1),
  );
  assert.equal(last.args.filter.status, "error");
  assert.deepEqual(last.args.page, { limit: 50, before_id: null });

  await page.getByTestId("alert").getByRole("button", { name: /^Dismiss/ }).click();
  await page.getByTestId("alerts").waitFor({ state: "detached" });
  assert.equal((await engineState(page)).alerts.length, 0);
});

test(
  "every screen in the dark theme on a large screen",
  { seed: { hasKey: true, episodes: "sample", settings: { theme: "dark" } }, viewport: LARGE },
  async (page) => {
    await page.getByTestId("library").waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await checkAccessibility(page, "library (dark)");
    await screenshot(page, "30-dark-library");
    await page.getByTestId("open-episode").filter({ hasText: "The Golden Record" }).click();
    await page.locator("[data-testid=stage-script][data-status=done]").waitFor();
    await checkAccessibility(page, "workspace (dark)");
    await screenshot(page, "31-dark-workspace");
    await page.getByTestId("open-script").click();
    await page.getByTestId("verdict-score").waitFor();
    await checkAccessibility(page, "script (dark)");
    await screenshot(page, "32-dark-script");
    await page.getByTestId("open-versions").click();
    await page.getByTestId("diff").waitFor();
    await checkAccessibility(page, "versions (dark)");
    await page.keyboard.press("Escape");
    await page.getByTestId("open-export").click();
    await page.getByTestId("export-dialog").waitFor();
    await checkAccessibility(page, "export (dark)");
    await page.keyboard.press("Escape");
    await page.getByTestId("nav-usage").click();
    await page.locator("[data-testid=chart-day] canvas").waitFor();
    await checkAccessibility(page, "usage (dark)");
    await screenshot(page, "33-dark-usage");
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("presets").waitFor();
    await page.getByTestId("privacy-check-run").click();
    await page.getByTestId("privacy-check").waitFor();
    await checkAccessibility(page, "settings (dark, large)");
    await screenshot(page, "34-dark-settings");
  },
);

test("settings: test the connection, presets, privacy, backups", { seed: { hasKey: true }, viewport: SMALLEST }, async (page) => {
  await page.getByTestId("settings").waitFor();
  await page.getByTestId("test-connection").click();
  const result = page.getByTestId("connection-test");
  await result.waitFor();
  assert.match(await result.innerText(), /Castwright laptop/);
  assert.match(await result.innerText(), /\$18\.52/);
  assert.match(await result.innerText(), /\$25\.00, \$21\.40 left/);
  await page.getByTestId("preset-original").check();
  await waitForEngine(page, `state.settings.default_preset === "original"`);
  await waitText(page, "presets", "Claude 3 Opus → GPT-4 → Claude 3 Sonnet");
  await page.getByTestId("privacy-check-run").click();
  await waitText(page, "privacy-check", "R1");
  await checkAccessibility(page, "settings at 1024×700");
  await screenshot(page, "35-settings-small");
  // A backup says where it went; a restore is checked and confirmed before it replaces anything.
  await page.getByTestId("backup").click();
  await page.getByText("Backed up to /home/producer/Documents/castwright-backup.sqlite3.").waitFor();
  await page.getByTestId("restore").click();
  const dialog = page.getByRole("dialog", { name: "Restore from this backup?" });
  await dialog.waitFor();
  await waitForEngine(page, `!state.restored`);
  await dialog.getByRole("button", { name: "Restore" }).click();
  await page.getByText("Restored. Castwright now shows the episodes from the backup.").waitFor();
  await waitForEngine(page, `state.restored === true`);
});

/** Presses Tab until the element with this test id has the focus. @param {Page} page @param {string} testid */
async function tabTo(page, testid) {
  let focused = "";
  for (let i = 0; i < 80 && focused !== testid; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? "");
  }
  assert.equal(focused, testid, `Tab should reach ${testid}`);
  const outline = await page.evaluate(() => getComputedStyle(/** @type {HTMLElement} */ (document.activeElement)).outlineStyle);
  assert.notEqual(outline, "none", `${testid} should show a focus ring`);
}

test(
  "settings: add another service from the keyboard, price it, turn its limit off knowingly, use it",
  { seed: { hasKey: true }, viewport: SMALLEST },
  async (page) => {
    await page.getByTestId("settings").waitFor();
    await page.getByTestId("other-empty").waitFor();

    // Adding, from the keyboard alone; a wrong address is said before anything is sent.
    await tabTo(page, "add-service");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "other-name");
    await page.keyboard.type("Ollama on this computer");
    await page.keyboard.press("Tab");
    await page.keyboard.type("localhost:11434");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").filter({ hasText: "starts with http:// or https://" }).waitFor();
    assert.equal(await callsOf(page, "add_other_connection"), 0);
    await checkAccessibility(page, "add a service, with a field error");
    await page.locator("#other-url").fill("http://127.0.0.1:11434/v1");
    await page.locator("#other-url").press("Enter");
    const item = page.getByTestId("other-service");
    await item.waitFor();
    assert.equal((await engineState(page)).services[0].has_key, false);
    await waitText(page, "service-refused", "Runs on Ollama on this computer will be refused until you enter its prices");
    await checkAccessibility(page, "a service without prices");
    await screenshot(page, "40-service-added");

    // A price, checked first.
    await item.getByTestId("price-model").fill("llama3.1:8b");
    await item.getByTestId("price-prompt").fill("0,05");
    await item.getByTestId("price-add").click();
    await item.getByRole("alert").filter({ hasText: "no commas" }).waitFor();
    assert.equal(await callsOf(page, "set_other_connection_price"), 0);
    await item.getByTestId("price-prompt").fill("0.05");
    await item.getByTestId("price-completion").fill("0.10");
    await item.getByTestId("price-add").click();
    await item.getByTestId("price-row").filter({ hasText: "$0.10" }).waitFor();
    assert.deepEqual((await engineState(page)).services[0].prices, [
      { model_id: "llama3.1:8b", prompt_per_million: "0.05", completion_per_million: "0.1" },
    ]);
    await page.getByTestId("service-refused").waitFor({ state: "detached" });

    // The limit goes off only after saying what that means.
    const toggle = item.getByRole("switch", { name: "No spending limit for this service" });
    await toggle.click();
    const dialog = page.getByTestId("limit-off-dialog");
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Castwright then cannot stop spending on this service/);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Keep the limit", "the safe choice has the focus");
    await checkAccessibility(page, "limit-off confirmation (light)");
    await screenshot(page, "41-limit-off-confirm");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.equal((await engineState(page)).services[0].limit_off, false, "Escape keeps the limit");
    await toggle.click();
    await page.getByTestId("limit-off-confirm").click();
    await dialog.waitFor({ state: "detached" });
    await waitText(page, "other-service", "No spending limit");
    assert.equal((await engineState(page)).services[0].limit_off, true);
    assert.equal(await toggle.isChecked(), true);

    // Made the connection: the list and the connection card both say so.
    await item.getByTestId("use-service").click();
    await item.getByTestId("in-use").waitFor();
    await waitText(page, "other-status", "Using Ollama on this computer.");
    assert.equal((await engineState(page)).settings.connection, "other");
    await item.getByTestId("test-service").click();
    await waitText(page, "service-test", "7 models available");
    await checkAccessibility(page, "a service in use (light)");
    await screenshot(page, "42-service-in-use");

    // A later settings change keeps the service in use.
    await page.getByLabel("Dark", { exact: true }).check();
    await waitForEngine(page, `state.settings.theme === "dark"`);
    const settings = (await engineState(page)).settings;
    assert.equal(settings.connection, "other");
    assert.equal(settings.other_connection_id, "conn_1");
    await checkAccessibility(page, "a service in use (dark)");
    await screenshot(page, "43-service-in-use-dark");

    // Removing asks first, and the engine's refusal for the service in use is shown.
    await item.getByTestId("remove-service").click();
    await page.getByTestId("remove-service-dialog").waitFor();
    await checkAccessibility(page, "remove a service (dark)");
    await page.getByTestId("confirm-remove-service").click();
    await page.getByTestId("remove-service-dialog").getByRole("alert").filter({ hasText: "Choose another connection first" }).waitFor();
    await page.getByRole("button", { name: "Keep it" }).click();
    assert.equal((await engineState(page)).services.length, 1);
  },
);

test(
  "settings: my own models per stage, and the privacy check",
  { seed: { hasKey: true, settings: { default_preset: "original" } }, viewport: SMALLEST },
  async (page) => {
    await page.getByTestId("settings").waitFor();
    await waitText(page, "presets", "Claude 3 Opus → GPT-4 → Claude 3 Sonnet");
    await page.getByTestId("preset-custom").check();
    await waitForEngine(page, `state.settings.default_preset === "custom" && state.settings.custom_plan !== null`);
    // Seeded from the preset chosen before.
    assert.deepEqual((await engineState(page)).settings.custom_plan.script.chain.models, [
      "anthropic/claude-3-opus",
      "openai/gpt-4",
      "anthropic/claude-3-sonnet",
    ]);
    const research = page.getByTestId("custom-research");
    // The original research models are not in this connection's list: said under the stage.
    await research.getByTestId("custom-research-issues").filter({ hasText: "mixtral-8x7b-instruct is retired or unknown" }).waitFor();
    await checkAccessibility(page, "my own models (light)");
    await screenshot(page, "44-own-models");

    await research.getByTestId("custom-research-pick").selectOption("meta-llama/llama-3.3-70b-instruct");
    await research.getByTestId("custom-research-add").click();
    await research.getByRole("button", { name: "Move Llama 3.3 70B Instruct up in Research" }).click();
    await waitForEngine(page, `state.settings.custom_plan.research.chain.models[1] === "meta-llama/llama-3.3-70b-instruct"`);
    await research.getByRole("button", { name: "Move Llama 3.3 70B Instruct up in Research" }).click();
    await waitForEngine(page, `state.settings.custom_plan.research.chain.models[0] === "meta-llama/llama-3.3-70b-instruct"`);
    // The focus followed the model to the top, where only "down" is left.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Move Llama 3.3 70B Instruct down in Research");
    for (const name of ["Mixtral 8x7B Instruct", "GPT-3.5 Turbo"]) {
      await research.getByRole("button", { name: `Remove ${name} from Research` }).click();
    }
    await waitForEngine(page, `state.settings.custom_plan.research.chain.models.length === 1`);
    await research.getByTestId("custom-research-issues").waitFor({ state: "detached" });
    await research.getByTestId("custom-research-variant").selectOption({ label: "Fastest" });
    await waitForEngine(page, `state.settings.custom_plan.research.chain.variant === "nitro"`);

    // New episodes start from these models.
    await page.getByTestId("nav-library").click();
    await createEpisode(page, "My models");
    const episode = (await engineState(page)).episodes[0].episode;
    assert.deepEqual(episode.plan.research.chain, { models: ["meta-llama/llama-3.3-70b-instruct"], variant: "nitro" });

    // The privacy check: only when asked, with what it found, what to do, and its cost.
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("custom-plan").waitFor();
    assert.equal(await callsOf(page, "privacy_check"), 0, "the check costs money: never without asking");
    await page.getByTestId("privacy").check();
    await page.getByTestId("privacy-check-run").click();
    const result = page.getByTestId("privacy-check");
    await result.waitFor();
    assert.match(await result.innerText(), /This setting rules out one of your default models/);
    assert.match(await result.innerText(), /R1, used for Synthesis/);
    assert.match(await result.innerText(), /GPT-4, used for Script — It did not answer in time/);
    assert.match(await page.getByTestId("privacy-check-cost").innerText(), /Checked \d+ models; the check cost \$0\.00042\./);
    await checkAccessibility(page, "privacy check result (light)");
    await screenshot(page, "45-privacy-check");
    await result.getByRole("button", { name: "Choose other models" }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "custom-research-add");

    await page.getByLabel("Dark", { exact: true }).check();
    await waitForEngine(page, `state.settings.theme === "dark"`);
    await checkAccessibility(page, "my own models and privacy check (dark)");
    await screenshot(page, "46-own-models-dark");
  },
);

test("the app opens where the producer left off", { seed: { hasKey: true, episodes: "sample" } }, async (page) => {
  await page.getByTestId("library").waitFor();
  await page.getByTestId("open-episode").filter({ hasText: "Apollo" }).click();
  await page.getByTestId("workspace").waitFor();
  await page.reload();
  // The reload brings the fake engine back as seeded, so the same episode id exists.
  await page.getByTestId("workspace").waitFor();
  assert.match(await page.locator("#ws-title").innerText(), /Apollo's last day/);
});

test("the workspace and dialogs work from the keyboard", { seed: { connection: "demo" } }, async (page) => {
  await page.getByTestId("library").waitFor();
  await page.getByTestId("new-episode").first().focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("new-episode-dialog").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "new-title");
  await page.keyboard.type("Keyboard episode");
  await page.keyboard.press("Enter");
  await page.getByTestId("workspace").waitFor();
  // Tab reaches the Add files button, and its focus ring shows.
  let focused = "";
  for (let i = 0; i < 40 && focused !== "add-notes"; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? "");
  }
  assert.equal(focused, "add-notes");
  const outline = await page.evaluate(() => getComputedStyle(/** @type {HTMLElement} */ (document.activeElement)).outlineStyle);
  assert.notEqual(outline, "none");
  await page.keyboard.press("Enter");
  await waitText(page, "notes-result", "Added 1 note");
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
        viewport: options.viewport ?? VIEWPORT,
        colorScheme: options.colorScheme ?? "light",
        reducedMotion: options.reducedMotion ?? "no-preference",
      });
      context.setDefaultTimeout(WAIT_MS);
      await context.addInitScript(tauriMockScript(options.seed ?? {}));
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
