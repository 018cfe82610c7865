/** `make bench`: runs every benchmark in one process, one after another, and writes BENCHMARKS.md. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchApplyLatency } from "./applyLatency";
import { benchLoneApply } from "./loneApply";
import { benchPluginStart } from "./pluginStart";
import { benchPolicyModule } from "./policyModule";
import { benchPreviewCost } from "./previewCost";
import { benchPreviewEngine } from "./previewEngine";
import { type BenchSection, writeReport } from "./report";
import { benchScale } from "./scale";

const BENCHMARKS: Record<string, () => Promise<BenchSection>> = {
  lone: benchLoneApply,
  latency: benchApplyLatency,
  start: benchPluginStart,
  preview: benchPreviewCost,
  "preview-engine": benchPreviewEngine,
  scale: benchScale,
  policy: benchPolicyModule,
};

async function main(): Promise<void> {
  const startedAt = new Date();
  // Where plugins remember settle times: a folder of the run's own, never the user's cache.
  const cache = mkdtempSync(join(tmpdir(), "awsamp-bench-cache-"));
  process.env.XDG_CACHE_HOME = cache;
  process.once("exit", () => rmSync(cache, { recursive: true, force: true }));
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !(name in BENCHMARKS));
  if (unknown.length) {
    throw new Error(
      `make bench: no benchmark named ${unknown.join(", ")}; choose from ${Object.keys(BENCHMARKS).join(", ")}`,
    );
  }
  const sections: BenchSection[] = [];
  for (const [name, run] of Object.entries(BENCHMARKS)) {
    if (only.length && !only.includes(name)) continue;
    console.log(`bench: ${name}…`);
    const started = Date.now();
    const section = await run();
    for (const figure of section.figures)
      console.log(`  ${figure.name}: ${figure.value} (target ${figure.target})`);
    console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    sections.push(section);
  }
  const path = join(__dirname, "..", "..", "..", "BENCHMARKS.md");
  writeReport(path, sections, startedAt);
  console.log(`bench: wrote ${path}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
