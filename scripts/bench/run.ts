/** `make bench`: runs every benchmark in one process, one after another, and writes BENCHMARKS.md. */
import { join } from "node:path";
import { benchPolicyModule } from "./policyModule";
import { type BenchSection, writeReport } from "./report";

const BENCHMARKS: Record<string, () => Promise<BenchSection>> = {
  policy: benchPolicyModule,
};

async function main(): Promise<void> {
  const startedAt = new Date();
  const only = process.argv.slice(2);
  const sections: BenchSection[] = [];
  for (const [name, run] of Object.entries(BENCHMARKS)) {
    if (only.length && !only.includes(name)) continue;
    console.log(`bench: ${name}…`);
    const section = await run();
    for (const figure of section.figures)
      console.log(`  ${figure.name}: ${figure.value} (target ${figure.target})`);
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
