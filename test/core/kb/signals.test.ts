import { describe, expect, it } from "vitest";
import { createAnswerEngine, loadKnowledgeBase } from "../../../src/core/kb/index.js";
import { routingText } from "../../../src/core/kb/signals.js";

const BUILD_LOG = [
  "╔══════════════════════ Nixpacks v1.29.1 ══════════════════════╗",
  "║ install    │ python -m venv --copies /opt/venv && pip install -r requirements.txt ║",
  "║ start      │ python manage.py migrate && gunicorn shop.wsgi  ║",
  "╚══════════════════════════════════════════════════════════════╝",
  "#9 [stage-0  5/11] RUN pip install -r requirements.txt",
  "#9 CACHED",
  "2026-09-09T03:11:40.553Z [inf]  [stage-0  8/10] COPY . /app CACHED",
  "2026-09-09T03:11:46.733Z [inf]  === Successfully Built! ===",
].join("\n");

describe("the text the router compares", () => {
  it("leaves out the lines of a pasted build log and keeps what the user wrote", () => {
    const question = "every step is cached and prod still runs last week's code. how do I wipe the build cache?";
    const routed = routingText(`${BUILD_LOG}\n\n${question}`);
    expect(routed).toContain(question);
    expect(routed).not.toMatch(/Nixpacks|gunicorn|stage-0|requirements\.txt/);
  });

  it("keeps what a gunicorn or Celery error line says, without its timestamp and process", () => {
    const routed = routingText(
      "[2026-09-15 12:20:19 +0000] [1] [ERROR] Reason: Worker failed to boot.\n[2026-09-15 12:20:18 +0000] [1] [INFO] Booting worker with pid: 7\n[2026-12-01 08:02:11,554: ERROR/MainProcess] Received unregistered task of type 'invoices.tasks.render_pdf'.",
    );
    expect(routed).toContain("Reason: Worker failed to boot.");
    expect(routed).toContain("Received unregistered task of type 'invoices.tasks.render_pdf'.");
    expect(routed).not.toMatch(/2026|0000|Booting/);
  });

  it("keeps an error line behind a log timestamp", () => {
    expect(routingText("2026-09-09T03:11:40.553Z [err]  ModuleNotFoundError: No module named 'shop.api'\nwhy?")).toContain(
      "ModuleNotFoundError: No module named 'shop.api'",
    );
  });

  it("answers the question under a build log as it answers the question alone", () => {
    const engine = createAnswerEngine(loadKnowledgeBase());
    const question = "every step is cached and prod still runs last week's code. how do I wipe the build cache?";
    const alone = engine.answer(question);
    expect(alone.matched).toBe(true);
    expect(engine.answer(`${BUILD_LOG}\n\n${question}`).sections).toEqual(alone.sections);
  });
});
