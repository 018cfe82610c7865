/**
 * `make sdk`: writes sdk/nodejs from schema.json. With --check (run by `make test`), writes nothing and
 * fails when the SDK on disk is not what the generator makes.
 */
import path from "node:path";
import { generateNodejsSdk } from "./generate";
import { biomeFormatter, readGeneratorInput, SDK_DIR } from "./inputs";
import { compareSdk, writeSdk } from "./sdkFiles";

/** The repository root, from build/scripts/gen-sdk/. */
const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

function main(args: readonly string[]): number {
  const check = args.includes("--check");
  const files = generateNodejsSdk(readGeneratorInput(REPO_ROOT), biomeFormatter(REPO_ROOT));
  const sdkDir = path.join(REPO_ROOT, SDK_DIR);
  if (check) {
    const problems = compareSdk(sdkDir, files);
    if (problems.length === 0) return 0;
    console.error(
      `${SDK_DIR} is not what scripts/gen-sdk makes of schema.json; run \`make sdk\` and commit it:`,
    );
    for (const problem of problems) console.error(`  ${problem}`);
    return 1;
  }
  const changed = writeSdk(sdkDir, files);
  console.log(
    `${SDK_DIR}: ${files.size} files, ${changed.length} changed${changed.length ? `: ${changed.join(", ")}` : ""}`,
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
