/** Reads what the SDK is made from out of the repository, and formats generated TypeScript with biome. */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { compareStrings } from "./code";
import type { Formatter, GeneratorInput } from "./generate";
import { CORE_FILES, README_EXAMPLES } from "./overlays";
import { parsePackageSchema } from "./schema";

/** Where the SDK lives, relative to the repository root. */
export const SDK_DIR = "sdk/nodejs";

/** Reads schema.json, package.json, the core files, the README template and the README's examples. */
export function readGeneratorInput(repoRoot: string): GeneratorInput {
  const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");
  const coreSources = new Map<string, string>();
  for (const file of CORE_FILES.flatMap((pattern) => expandCorePattern(repoRoot, pattern))) {
    coreSources.set(file, read(`provider/${file}`));
  }
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
    coreSources,
    readmeTemplate: read("scripts/gen-sdk/README.template.md"),
    examples,
  };
}

/** `policy/*.ts` → every .ts file directly in provider/policy/ (tests and declarations aside), sorted. */
function expandCorePattern(repoRoot: string, pattern: string): string[] {
  if (!pattern.endsWith("/*.ts")) return [pattern];
  const directory = pattern.slice(0, -"/*.ts".length);
  return readdirSync(path.join(repoRoot, "provider", directory))
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts") && !name.endsWith(".test.ts"))
    .sort(compareStrings)
    .map((name) => `${directory}/${name}`);
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
