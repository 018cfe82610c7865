/**
 * Reads a .tar.gz as the engine's extractor sees it (ustar headers, with GNU long names and pax paths), so a
 * test can check what `pulumi plugin install` will unpack without depending on the machine's tar.
 */
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";

export interface TarEntry {
  /** The path in the archive, without a leading "./". */
  name: string;
  /** "file", "directory", "symlink", "hardlink" or the raw type flag of anything else. */
  type: string;
  /** The permission bits, e.g. 0o755. */
  mode: number;
  size: number;
  /** The content of a file at the archive's root (the launchers); undefined for the rest. */
  content?: Buffer;
}

const BLOCK = 512;
const TYPES: Record<string, string> = {
  "0": "file",
  "\0": "file",
  "5": "directory",
  "2": "symlink",
  "1": "hardlink",
};

export async function readTarball(file: string): Promise<TarEntry[]> {
  const tar = gunzipSync(await readFile(file));
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + BLOCK <= tar.length; ) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header, 124, 12);
    const flag = String.fromCharCode(header[156] ?? 0);
    const data = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === "L") {
      longName = text(data, 0, data.length);
      continue;
    }
    if (flag === "x") {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString("utf8"))?.[1] ?? longName;
      continue;
    }
    if (flag === "g") continue;
    const prefix = text(header, 345, 155);
    const name = (longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100)))
      .replace(/^\.\//, "")
      .replace(/\/$/, "");
    longName = undefined;
    if (name === "" || name === ".") continue;
    const type = TYPES[flag] ?? flag;
    entries.push({
      name,
      type,
      mode: octal(header, 100, 8) & 0o7777,
      size,
      ...(type === "file" && !name.includes("/") ? { content: Buffer.from(data) } : {}),
    });
  }
  return entries;
}

function text(buffer: Buffer, start: number, length: number): string {
  const field = buffer.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString("utf8");
}

function octal(buffer: Buffer, start: number, length: number): number {
  return Number.parseInt(text(buffer, start, length).trim() || "0", 8);
}
