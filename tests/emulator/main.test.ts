/** `make emulator` (main.js) as a user runs it: a process that prints how to reach it and stops on Ctrl-C. */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { DescribeWorkspaceCommand } from "@aws-sdk/client-amp";
import { createAmpClient } from "@awsamp/core/client";
import { expect } from "chai";

const MAIN = join(__dirname, "main.js");

function startMain(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env } });
}

/** Everything the process prints until `pattern` appears. */
async function outputUntil(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<string> {
  let output = "";
  for await (const chunk of child.stdout) {
    output += String(chunk);
    if (pattern.test(output)) return output;
  }
  throw new Error(`the emulator exited before printing ${pattern}; it printed:\n${output}`);
}

function captured(output: string, pattern: RegExp): string {
  const value = pattern.exec(output)?.[1];
  if (value === undefined) throw new Error(`${pattern} is not in the emulator's output:\n${output}`);
  return value;
}

describe("emulator main", () => {
  it("prints its endpoint, the AWS environment and a demo workspace the SDK can describe, and stops on SIGINT", async () => {
    const child = startMain([], { PORT: "0" });
    try {
      const output = await outputUntil(child, /Press Ctrl-C/);
      const endpoint = captured(output, /AWS_ENDPOINT_URL_AMP=(http:\/\/127\.0\.0\.1:\d+)/);
      const region = captured(output, /AWS_REGION=(\S+)/);
      const accessKeyId = captured(output, /AWS_ACCESS_KEY_ID=(\S+)/);
      const secretAccessKey = captured(output, /AWS_SECRET_ACCESS_KEY=(\S+)/);
      const workspaceId = captured(output, /Demo workspace: (ws-\S+)/);

      const client = createAmpClient({
        endpoint,
        region,
        credentials: { accessKeyId, secretAccessKey },
        maxAttempts: 1,
      });
      try {
        const { workspace } = await client.send(new DescribeWorkspaceCommand({ workspaceId }));
        expect(workspace).to.deep.include({ alias: "demo", status: { statusCode: "ACTIVE" } });
      } finally {
        client.destroy();
      }

      const exited = once(child, "exit");
      child.kill("SIGINT");
      const [code] = await exited;
      expect(code).to.equal(0);
    } finally {
      child.kill();
    }
  });

  it("takes its port from the first argument and refuses one that is not a port", async () => {
    const child = startMain(["not-a-port"]);
    let errors = "";
    child.stderr.on("data", (chunk) => {
      errors += String(chunk);
    });
    const [code] = await once(child, "exit");
    expect(code).to.equal(1);
    expect(errors).to.match(/port "not-a-port" is not a number from 0 to 65535/);
  });
});
