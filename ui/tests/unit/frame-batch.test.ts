import { describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../src/lib/api";
import { emptyRun, progressPerFrame } from "../../src/lib/progress";

const frame = () => new Promise<void>((done) => requestAnimationFrame(() => done()));

describe("streamed text per frame", () => {
  it("joins a stage's pieces until the frame, and keeps the order of everything else", async () => {
    const view = emptyRun();
    const progress = progressPerFrame(view);
    const send = (e: ProgressEvent) => progress.push(e);
    send({ type: "stage_started", stage: "script", models: ["m/one"], reused: false });
    send({ type: "text_delta", stage: "script", text: "ALEX: Six " });
    send({ type: "text_delta", stage: "script", text: "weeks." });
    expect(view.stages.script.text).toBe("");
    await frame();
    expect(view.stages.script.text).toBe("ALEX: Six weeks.");
    expect(view.stages.script.words).toBe(3);

    // A reset after held text: the text goes first, then the reset, then the new text.
    send({ type: "text_delta", stage: "script", text: "half a line" });
    send({ type: "text_reset", stage: "script" });
    expect(view.stages.script.text).toBe("");
    send({ type: "text_delta", stage: "script", text: "SAM: Hello." });
    progress.flush();
    expect(view.stages.script.text).toBe("SAM: Hello.");
    await frame();
    expect(view.stages.script.text).toBe("SAM: Hello.");
  });
});
