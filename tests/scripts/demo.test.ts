/** `make demo`: the README's first command runs the whole life of examples/basic's policy through the real CLI. */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { environmentWithoutAws, REPO_ROOT } from "../harness/plugin";
import { findPulumiCli, requireCliOrSkip } from "../harness/pulumiCli";

const run = promisify(execFile);

describe("make demo", function () {
  this.timeout(180_000);

  it("takes the policy through up, a no-change preview, an edited preview, import and destroy with the real CLI", async function () {
    const cli = await findPulumiCli();
    requireCliOrSkip(this, cli);
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, "build", "scripts", "demo.js")], {
      cwd: REPO_ROOT,
      env: { ...environmentWithoutAws(), ...(cli ? { PULUMI: cli } : {}) },
      maxBuffer: 16 << 20,
    });
    // The CLI's own lines, in the order the demo runs its steps.
    const steps = [
      `the real engine: ${cli}`,
      "$ pulumi up --yes",
      "+  awsamp:index:ResourcePolicy basic created",
      "$ pulumi preview --expect-no-changes",
      "$ pulumi preview --diff",
      "~ awsamp:index:ResourcePolicy: (update)",
      "+ arn:aws:iam::210987654321:root aps:QueryMetrics",
      "~  awsamp:index:ResourcePolicy basic updated",
      "=  awsamp:index:ResourcePolicy basic imported",
      'const basic = new awsamp.ResourcePolicy("basic", {',
      "$ pulumi destroy",
      "-  awsamp:index:ResourcePolicy basic deleted",
      "AWS holds: no policy",
    ];
    let from = 0;
    for (const step of steps) {
      const at = stdout.indexOf(step, from);
      expect(at, `the demo prints "${step}" after the steps before it:\n${stdout}`).to.be.at.least(0);
      from = at + step.length;
    }
  });
});
