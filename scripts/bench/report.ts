/** The shape of one benchmark's findings, and how BENCHMARKS.md is written from them. */
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/** One figure against its target. */
export interface Figure {
  name: string;
  value: string;
  target: string;
  met: boolean | undefined;
}

/** What one benchmark found: its figures, and any table or note that explains them. */
export interface BenchSection {
  title: string;
  method: string;
  figures: Figure[];
  details?: string[];
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function verdict(met: boolean | undefined): string {
  if (met === undefined) return "—";
  return met ? "met" : "**not met**";
}

/** Writes the report, with the machine, the Node version and the date. */
export function writeReport(path: string, sections: readonly BenchSection[], startedAt: Date): void {
  const cpu = cpus();
  const lines = [
    "# Benchmarks",
    "",
    `Written by \`make bench\` on ${startedAt.toISOString()}.`,
    "",
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
      `Node.js ${process.version} on ${process.platform}/${process.arch}. Every figure below comes from the ` +
      "same run; where AWS is called, it is the in-process AMP emulator (real HTTP on 127.0.0.1).",
    "",
  ];
  for (const section of sections) {
    lines.push(
      `## ${section.title}`,
      "",
      section.method,
      "",
      "| figure | value | target | verdict |",
      "| --- | --- | --- | --- |",
    );
    for (const figure of section.figures) {
      lines.push(`| ${figure.name} | ${figure.value} | ${figure.target} | ${verdict(figure.met)} |`);
    }
    lines.push("");
    if (section.details?.length) lines.push(...section.details, "");
  }
  writeFileSync(path, wrapLines(lines.join("\n")));
}

/** Columns a line of prose may take, so that the report reads in a terminal; table rows stay whole. */
const WIDTH = 100;

/**
 * Wraps every line of prose longer than WIDTH at spaces; a list item's continuation lines are indented
 * under its text. Tables, headings and short lines are left as they are.
 */
export function wrapLines(text: string): string {
  return text
    .split("\n")
    .flatMap((line) => {
      if (line.length <= WIDTH || line.startsWith("|") || line.startsWith("#")) return [line];
      const indent = /^(\s*)(- )?/.exec(line)?.[0].replace(/- $/, "  ") ?? "";
      const wrapped: string[] = [];
      let current = "";
      for (const word of line.split(" ")) {
        const prefix = wrapped.length === 0 && current === "" ? "" : indent;
        if (current && current.length + 1 + word.length > WIDTH) {
          wrapped.push(current);
          current = prefix + word;
        } else {
          current = current ? `${current} ${word}` : `${prefix}${word}`;
        }
      }
      return [...wrapped, current];
    })
    .join("\n");
}
