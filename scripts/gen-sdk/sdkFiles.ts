/** The SDK on disk: what differs from a generated file set, and writing one so the directory equals it. */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compareStrings } from "./code";

/** Build output and installed packages live in the SDK directory but are not the SDK's sources. */
const NOT_SOURCES = new Set(["bin", "node_modules"]);

/** Every source file under the SDK directory, as paths relative to it with `/` separators. */
export function listSdkFiles(sdkDir: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(sdkDir, relative), { withFileTypes: true })) {
      const entryPath = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!(relative === "" && NOT_SOURCES.has(entry.name))) walk(entryPath);
      } else {
        found.push(entryPath);
      }
    }
  };
  try {
    walk("");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return found.sort(compareStrings);
}

/** One line per file that is missing, different, or not generated; none when the SDK is up to date. */
export function compareSdk(sdkDir: string, files: ReadonlyMap<string, string>): string[] {
  const onDisk = new Set(listSdkFiles(sdkDir));
  const problems: string[] = [];
  for (const [file, text] of files) {
    if (!onDisk.has(file)) problems.push(`missing: ${file}`);
    else if (readFileSync(path.join(sdkDir, file), "utf8") !== text) problems.push(`differs: ${file}`);
  }
  for (const file of onDisk) {
    if (!files.has(file)) problems.push(`not generated: ${file}`);
  }
  return problems;
}

/** Writes the files that differ and deletes the ones the generator no longer makes; returns what changed. */
export function writeSdk(sdkDir: string, files: ReadonlyMap<string, string>): string[] {
  const changed: string[] = [];
  for (const [file, text] of files) {
    const target = path.join(sdkDir, file);
    if (existsSync(target) && readFileSync(target, "utf8") === text) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
    changed.push(file);
  }
  for (const file of listSdkFiles(sdkDir)) {
    if (files.has(file)) continue;
    rmSync(path.join(sdkDir, file));
    changed.push(file);
  }
  return changed;
}
