/** The processes a test run started, found by a variable their environment carries (Linux's /proc). */
import { readdirSync, readFileSync } from "node:fs";

/** One process: its ID and its command line. */
export interface RunningProcess {
  pid: number;
  command: string;
}

/** The processes other than this one whose environment holds NAME=value; none where there is no /proc. */
export function processesCarrying(name: string, value: string): RunningProcess[] {
  const found: RunningProcess[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`${name}=${value}`)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      found.push({ pid: Number(entry), command });
    } catch {
      // Ended between the listing and the read, or not ours to read.
    }
  }
  return found;
}
