/** `make demo`: the README's first command runs the whole life of examples/basic's policy and exits 0. */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { environmentWithoutAws, REPO_ROOT } from "../harness/plugin";
import { pulumiOnPath } from "../harness/pulumiCli";

const run = promisify(execFile);

describe("make demo", function () {
  this.timeout(60_000);

  it("takes the policy through up, a no-change preview, an edited preview, import and destroy", async function () {
    if (await pulumiOnPath()) {
      // With a CLI on PATH the demo drives the real engine, which the end-to-end test covers.
      if (this.test) this.test.title += " (skipped: a pulumi CLI is on PATH; the end-to-end test covers it)";
      this.skip();
    }
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, "build", "scripts", "demo.js")], {
      cwd: REPO_ROOT,
      env: environmentWithoutAws(),
    });
    const steps = [
      "$ pulumi up",
      "+ awsamp:index:ResourcePolicy basic created",
      "$ pulumi preview (nothing changed)",
      "awsamp:index:ResourcePolicy basic: no changes",
      "info: + allow arn:aws:iam::210987654321:root aps:QueryMetrics",
      "~ awsamp:index:ResourcePolicy basic update: policyDocument (UPDATE)",
      "~ awsamp:index:ResourcePolicy basic updated",
      "= awsamp:index:ResourcePolicy basic imported",
      "- awsamp:index:ResourcePolicy basic deleted",
      "AWS holds: no policy",
    ];
    let from = 0;
    for (const step of steps) {
      const at = stdout.indexOf(step, from);
      expect(at, `the demo prints "${step}" after the steps before it`).to.be.at.least(0);
      from = at + step.length;
    }
  });
});
