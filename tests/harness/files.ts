/** The checkout's files as the specs that compare against them read them. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./plugin";

/** Every file under a folder, build output aside, relative to the repository. */
export function filesUnder(folder: string): string[] {
  return readdirSync(path.join(REPO_ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)))
    .filter((file) => !/(^|\/)(bin|node_modules|__pycache__)\//.test(file));
}
