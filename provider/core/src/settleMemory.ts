/** What earlier processes on this machine saw writes settle in: a small JSON file in the user's cache folder. */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";

/** The kinds of wait remembered apart: ACTIVE after a put, gone after a delete. */
export type SettleKind = "ACTIVE" | "deleted";

/** Looks at writes of one kind: still settling at each of `settlingMs`, settled by each of `settledMs`. */
export interface SettleRecord {
  settledMs: number[];
  settlingMs: number[];
}

/**
 * The file: per place (an endpoint and region), what its waits knew when a process last saved them. Only
 * ever a hint for where to poll: a wrong or missing entry costs Describes, never a wrong answer.
 */
interface MemoryFile {
  version: 1;
  places: Record<string, { savedAt: number } & Partial<Record<SettleKind, SettleRecord>>>;
}

/** Older than this, AWS's pace may have moved: forgotten. */
const MAX_AGE_MS = 7 * 24 * 3600_000;
/** The places kept: the most recently saved ones. */
const MAX_PLACES = 16;
/** Looks kept per kind, and the longest settle believed. */
const MAX_LOOKS = 32;
const MAX_SETTLE_MS = 3600_000;

/**
 * The file, in the user's cache folder: XDG_CACHE_HOME where set, else the platform's (~/.cache,
 * ~/Library/Caches, %LOCALAPPDATA%). Undefined where there is no home to put it in.
 */
export function settleMemoryPath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const home = safeHomedir();
  const cache =
    env.XDG_CACHE_HOME ||
    (platform === "win32"
      ? env.LOCALAPPDATA
      : home && path.join(home, platform === "darwin" ? "Library/Caches" : ".cache"));
  return cache ? path.join(cache, "awsamp", "settle-times.json") : undefined;
}

/** What the file holds for a place and kind, if it is recent and well-formed; read once per client and kind. */
export function recallSettles(place: string, kind: SettleKind, now = Date.now()): SettleRecord | undefined {
  const file = settleMemoryPath();
  if (!file) return undefined;
  const entry = parseMemory(readOrEmpty(() => readFileSync(file, "utf8"))).places[place];
  if (!entry || now - entry.savedAt > MAX_AGE_MS || entry.savedAt > now + MAX_AGE_MS) return undefined;
  return entry[kind];
}

/**
 * Saves a place's looks of one kind, keeping what the file holds for other places and kinds. Processes
 * saving at once each write a file of their own and rename it into place, so the file is always one
 * process's whole save: at worst the other's latest looks are lost. Failures (no home, a read-only disk)
 * are ignored: the next process polls on its schedule.
 */
export async function rememberSettles(
  place: string,
  kind: SettleKind,
  record: SettleRecord,
  now = Date.now(),
): Promise<void> {
  const file = settleMemoryPath();
  if (!file) return;
  const scratch = `${file}.${process.pid}.${randomUUID()}`;
  try {
    const memory = parseMemory(await readFile(file, "utf8").catch(() => ""));
    memory.places[place] = { ...memory.places[place], savedAt: now, [kind]: record };
    const kept = Object.entries(memory.places)
      .sort(([, a], [, b]) => b.savedAt - a.savedAt)
      .slice(0, MAX_PLACES);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(scratch, JSON.stringify({ version: 1, places: Object.fromEntries(kept) }));
    await rename(scratch, file);
  } catch {
    await rm(scratch, { force: true }).catch(() => undefined);
  }
}

/** The file's content where it is what this version writes; empty otherwise (corrupt, foreign, absent). */
function parseMemory(text: string): MemoryFile {
  const empty: MemoryFile = { version: 1, places: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return empty;
  }
  if (!isObject(parsed) || parsed.version !== 1 || !isObject(parsed.places)) return empty;
  for (const [place, entry] of Object.entries(parsed.places)) {
    if (!isObject(entry) || typeof entry.savedAt !== "number") continue;
    const kept: MemoryFile["places"][string] = { savedAt: entry.savedAt };
    for (const kind of ["ACTIVE", "deleted"] as const) {
      const record = recordOf(entry[kind]);
      if (record) kept[kind] = record;
    }
    empty.places[place] = kept;
  }
  return empty;
}

function recordOf(value: unknown): SettleRecord | undefined {
  if (!isObject(value)) return undefined;
  const { settledMs, settlingMs } = value;
  return isLooks(settledMs) && isLooks(settlingMs) ? { settledMs, settlingMs } : undefined;
}

function isLooks(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.length <= MAX_LOOKS &&
    value.every((ms) => typeof ms === "number" && Number.isFinite(ms) && ms >= 0 && ms <= MAX_SETTLE_MS)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readOrEmpty(read: () => string): string {
  try {
    return read();
  } catch {
    return "";
  }
}

function safeHomedir(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}
