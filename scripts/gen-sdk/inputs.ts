/** Reads what the SDK is made from out of the repository, and formats generated TypeScript with biome. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Formatter, GeneratorInput } from "./generate";
import { README_EXAMPLES } from "./overlays";
import { parsePackageSchema } from "./schema";

/** Where the SDK lives, relative to the repository root. */
export const SDK_DIR = "sdk/nodejs";

/** Reads schema.json, package.json, the README template and the README's examples. */
export function readGeneratorInput(repoRoot: string): GeneratorInput {
  const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");
  const examples = new Map<string, string>();
  for (const name of README_EXAMPLES) {
    const file = `examples/${name}/index.ts`;
    try {
      examples.set(name, read(file));
    } catch (error) {
      throw new Error(`reading ${file} for the SDK README: ${(error as Error).message}`);
    }
  }
  return {
    schema: parsePackageSchema(read("schema.json")),
    rootPackage: JSON.parse(read("package.json")),
    readmeTemplate: read("scripts/gen-sdk/README.template.md"),
    examples,
  };
}

/**
 * Formats with the repository's biome (format, organize imports, safe fixes), as Pulumi's Go codegen runs
 * gofmt, so the SDK passes `make lint` and regenerates byte for byte.
 */
export function biomeFormatter(repoRoot: string): Formatter {
  const biome = path.join(repoRoot, "node_modules", ".bin", "biome");
  return (sdkPath, text) => {
    const result = spawnSync(biome, ["check", "--write", `--stdin-file-path=${SDK_DIR}/${sdkPath}`], {
      cwd: repoRoot,
      input: text,
      encoding: "utf8",
    });
    if (result.status !== 0 || result.error) {
      throw new Error(
        `formatting ${SDK_DIR}/${sdkPath} with biome: ${result.error?.message ?? result.stderr}. ` +
          "Run `npm ci` if node_modules/.bin/biome is missing.",
      );
    }
    return result.stdout;
  };
}
