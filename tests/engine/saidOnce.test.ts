/** @awsamp/engine saidOnce: what the user was told already, within a process and across one CLI command's plugins. */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  pulumiCommandPid,
  saidOnceInCommand,
  saidOnceInProcess,
  saidOnceInPulumiCommand,
} from "@awsamp/engine/saidOnce";
import { expect } from "chai";
import { collect } from "../harness/pulumiCli";

/** Removes the memory files of one command process, which the memories leave in the temporary folder. */
function forgetCommand(commandPid: number): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(`awsamp-said-${commandPid}-`))) {
    rmSync(path.join(tmpdir(), name), { force: true });
  }
}

/** A process as a fake /proc holds it: its command name, its parent, its start time and the file it runs. */
interface FakeProcess {
  pid: number;
  command: string;
  parentPid: number;
  startTime?: number;
  executable?: string;
}

/**
 * A folder laid out as Linux's /proc, holding a `stat` file per process with the fields the walk reads
 * (the parent is the 4th field, the start time the 22nd) and zeros between them.
 */
function fakeProc(processes: readonly FakeProcess[]): string {
  const root = mkdtempSync(path.join(tmpdir(), "awsamp-proc-"));
  for (const { pid, command, parentPid, startTime = pid * 1000, executable } of processes) {
    mkdirSync(path.join(root, String(pid)));
    const fields = ["S", parentPid, ...Array(18).fill(0), startTime, 0, 0];
    writeFileSync(path.join(root, String(pid), "stat"), `${pid} (${command}) ${fields.join(" ")}\n`);
    if (executable) symlinkSync(executable, path.join(root, String(pid), "exe"));
  }
  return root;
}

describe("saidOnce", () => {
  it("in a process: says a key the first time only", () => {
    const said = saidOnceInProcess();
    expect([said.firstTime("a"), said.firstTime("b"), said.firstTime("a")]).to.deep.equal([
      true,
      true,
      false,
    ]);
  });

  it("in a command: a second plugin process of the same CLI process remembers what the first said", () => {
    // This test process stands in for the CLI; two memories stand in for its preview's and update's plugins.
    const preview = saidOnceInCommand(process.pid);
    const update = saidOnceInCommand(process.pid);
    try {
      expect(preview.firstTime("urn\ndocument")).to.equal(true);
      expect(update.firstTime("urn\ndocument")).to.equal(false);
      expect(update.firstTime("urn\nanother document")).to.equal(true);
    } finally {
      forgetCommand(process.pid);
    }
  });

  it("in a command: another CLI process starts with nothing said", () => {
    const first = saidOnceInCommand(process.pid);
    const other = saidOnceInCommand(process.ppid);
    try {
      expect(first.firstTime(`key-${process.pid}`)).to.equal(true);
      expect(other.firstTime(`key-${process.pid}`)).to.equal(true);
    } finally {
      forgetCommand(process.pid);
      forgetCommand(process.ppid);
    }
  });
});

describe("saidOnce: the pulumi command a process runs under", () => {
  const roots: string[] = [];
  const proc = (processes: readonly FakeProcess[]) => {
    const root = fakeProc(processes);
    roots.push(root);
    return root;
  };
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it("finds the CLI past the shell that started the dynamic-provider process, whatever the names between", () => {
    const procRoot = proc([
      { pid: 1, command: "systemd", parentPid: 0 },
      { pid: 200, command: "pulumi", parentPid: 1 },
      { pid: 300, command: "sh", parentPid: 200 },
      // A command name may hold spaces and parentheses; the walk reads past the last one.
      { pid: 350, command: "a (wrapper) x", parentPid: 300 },
      { pid: 400, command: "node", parentPid: 350 },
    ]);

    expect(pulumiCommandPid({ pid: 400, procRoot })).to.equal(200);
  });

  it("finds the nearest pulumi, not the process itself nor one further up", () => {
    const procRoot = proc([
      { pid: 10, command: "pulumi", parentPid: 1 },
      { pid: 20, command: "pulumi", parentPid: 10 },
      { pid: 30, command: "pulumi", parentPid: 20 },
    ]);

    expect(pulumiCommandPid({ pid: 30, procRoot })).to.equal(20);
  });

  it("finds a CLI started through a link of another name by the file it runs", () => {
    const procRoot = proc([
      { pid: 1, command: "systemd", parentPid: 0, executable: "/usr/lib/systemd/systemd" },
      { pid: 200, command: "pulumi-3.248", parentPid: 1, executable: "/opt/pulumi/bin/pulumi" },
      { pid: 300, command: "sh", parentPid: 200, executable: "/usr/bin/dash" },
      { pid: 400, command: "node", parentPid: 300, executable: "/usr/bin/node" },
    ]);

    expect(pulumiCommandPid({ pid: 400, procRoot })).to.equal(200);
  });

  it("finds none when no ancestor is pulumi, a link is missing, or the links go round", () => {
    const procRoot = proc([
      { pid: 1, command: "systemd", parentPid: 0 },
      { pid: 2, command: "bash", parentPid: 1 },
      { pid: 3, command: "node", parentPid: 2 },
      { pid: 5, command: "node", parentPid: 4 },
      { pid: 7, command: "sh", parentPid: 8 },
      { pid: 8, command: "sh", parentPid: 7 },
    ]);

    expect(pulumiCommandPid({ pid: 3, procRoot })).to.equal(undefined);
    expect(pulumiCommandPid({ pid: 5, procRoot })).to.equal(undefined);
    expect(pulumiCommandPid({ pid: 7, procRoot })).to.equal(undefined);
  });

  it("shares what was said between the processes of one CLI command, and not with another command", () => {
    // A start time no real process has, so the memory file is this test's alone.
    const startTime = 900_000_000 + Math.floor(Math.random() * 1_000_000);
    const procRoot = proc([
      { pid: 1, command: "systemd", parentPid: 0 },
      { pid: 200, command: "pulumi", parentPid: 1, startTime },
      { pid: 300, command: "sh", parentPid: 200 },
      { pid: 301, command: "node", parentPid: 300 },
      { pid: 310, command: "sh", parentPid: 200 },
      { pid: 311, command: "node", parentPid: 310 },
      { pid: 250, command: "pulumi", parentPid: 1, startTime: startTime + 1 },
      { pid: 351, command: "node", parentPid: 250 },
    ]);
    const preview = saidOnceInPulumiCommand({ pid: 301, procRoot });
    const update = saidOnceInPulumiCommand({ pid: 311, procRoot });
    const nextCommand = saidOnceInPulumiCommand({ pid: 351, procRoot });
    try {
      expect(preview.firstTime("urn\ndocument")).to.equal(true);
      expect(update.firstTime("urn\ndocument")).to.equal(false);
      expect(nextCommand.firstTime("urn\ndocument")).to.equal(true);
    } finally {
      forgetCommand(200);
      forgetCommand(250);
    }
  });

  it("without /proc (macOS, Windows) finds no CLI and remembers within the process only", () => {
    const procRoot = path.join(tmpdir(), `awsamp-no-proc-${process.pid}`);

    expect(pulumiCommandPid({ procRoot })).to.equal(undefined);
    const first = saidOnceInPulumiCommand({ procRoot });
    const second = saidOnceInPulumiCommand({ procRoot });
    expect([first.firstTime("key"), first.firstTime("key"), second.firstTime("key")]).to.deep.equal([
      true,
      false,
      true,
    ]);
  });

  it("on Linux, finds a real process named pulumi two generations up, through a shell", async function () {
    if (!existsSync("/proc/self/stat")) this.skip();
    const folder = mkdtempSync(path.join(tmpdir(), "awsamp-cli-"));
    roots.push(folder);
    // The kernel names a process after the file it runs, so a shell run through a link named pulumi is a
    // `pulumi`; it starts a shell that starts node, as the CLI starts pulumi-resource-pulumi-nodejs.
    const cli = path.join(folder, "pulumi");
    symlinkSync("/bin/sh", cli);
    const walk = path.join(folder, "walk.js");
    writeFileSync(walk, "process.stdout.write(String(require(process.env.SAID_ONCE).pulumiCommandPid()));\n");
    // `; true` after each command keeps each shell waiting for its child instead of replacing itself with it.
    const child = spawn(cli, ["-c", `sh -c 'node "$WALK"; true'; true`], {
      env: { ...process.env, WALK: walk, SAID_ONCE: require.resolve("@awsamp/engine/saidOnce") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const result = await collect(child);

    expect(result.stderr).to.equal("");
    expect(result.stdout).to.equal(String(child.pid));
  });
});
