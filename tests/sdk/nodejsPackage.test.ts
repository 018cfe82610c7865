/** The Node.js SDK's package as `npm pack ./sdk/nodejs/bin` makes it: what a user installs, nothing pointing elsewhere. */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect } from "chai";
import { REPO_ROOT } from "./sdkPackage";

interface PackedFile {
  path: string;
}

describe("the Node.js SDK's package", function () {
  this.timeout(60_000);
  const files = (): string[] => {
    const out = execFileSync(
      "npm",
      ["pack", "--dry-run", "--json", path.join(REPO_ROOT, "sdk", "nodejs", "bin")],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
      },
    );
    const [packed] = JSON.parse(out) as { files: PackedFile[] }[];
    return (packed?.files ?? []).map((file) => file.path);
  };

  it("ships the compiled SDK and its types, and no source maps naming .ts files it does not ship", () => {
    const shipped = files();
    expect(shipped).to.include.members(["index.js", "index.d.ts", "resourcePolicy.js", "package.json"]);
    expect(shipped.filter((file) => file.endsWith(".map"))).to.deep.equal([]);
    expect(shipped.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).to.deep.equal([]);
  });
});
