/** Facts about the generated SDK that its tests compare against: the schema it came from. */
import { readFileSync } from "node:fs";
import path from "node:path";

/** The repository root, from build/tests/sdk/. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The package version schema.json declares, which the SDK passes as every resource's version option. */
export const SCHEMA_VERSION: string = JSON.parse(
  readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8"),
).version;
