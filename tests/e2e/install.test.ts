/**
 * The plugin as a user installs it: `make dist`'s tarball for this machine through `pulumi plugin install`
 * into an empty PULUMI_HOME, then `pulumi up` of a program that names no plugin path, with none on PATH. And
 * what the launchers say where node is missing or too old.
 */
import { execFile, spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { environmentWithoutAws, REPO_ROOT } from "../harness/plugin";
import { type CliResult, collect, type PulumiProject, TOOLS_BIN } from "../harness/pulumiCli";
import { type ReadmeInstallCommands, readmeInstallCommands } from "../harness/readme";
import { policyDocument } from "../harness/session";
import { useEndToEnd } from "./emulatorProject";
import { readTarball, type TarEntry } from "./tarball";

const run = promisify(execFile);

/** How long a launcher that should refuse to start may run before the test kills it. */
const LAUNCH_DEADLINE_MS = 15_000;

const PLATFORMS = ["linux", "darwin", "windows"].flatMap((os) => [`${os}-amd64`, `${os}-arm64`]);

/** This machine's platform as the engine and the tarballs name it: linux-amd64, darwin-arm64, … */
function enginePlatform(): string {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch = ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[process.arch] ?? process.arch;
  return `${os}-${arch}`;
}

/** The message both launchers and the version check print, for a node found (`v18.20.4`) or `none`. */
function needsNode(found: string): string {
  return `pulumi-resource-awsamp: the awsamp provider needs Node.js 22.12 or later on PATH; found ${found} (install it from https://nodejs.org)`;
}

/**
 * The user's own environment for installing packages (their npm, pip and Go caches, registries and
 * certificates), with this test bed's node and CLI first on PATH and no AWS credentials.
 */
function userEnv(): Record<string, string> {
  return {
    ...environmentWithoutAws(),
    PATH: [path.dirname(process.execPath), TOOLS_BIN, process.env.PATH ?? ""].join(path.delimiter),
  };
}

/** A Go program of the SDK, as a user's main.go might start. */
const GO_PROGRAM = `package main

import (
	"github.com/awsamp/awsamp/sdk/go/awsamp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, err := awsamp.NewResourcePolicy(ctx, "policy", &awsamp.ResourcePolicyArgs{
			WorkspaceId:    pulumi.String("ws-example"),
			PolicyDocument: pulumi.String("{}"),
		})
		return err
	})
}
`;

/**
 * Runs a program with exactly this environment, never throwing: its exit code and output. With a deadline,
 * kills it then (a launcher that did start the provider would serve until killed).
 */
async function runWith(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  deadlineMs?: number,
  cwd?: string,
): Promise<CliResult> {
  const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  const timer = deadlineMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), deadlineMs);
  try {
    return await collect(child);
  } finally {
    clearTimeout(timer);
  }
}

describe("end to end: the plugin installed from its tarball", function () {
  this.timeout(300_000);
  const e2e = useEndToEnd();
  /** The version the Makefile gave the tarballs (and the plugin reports), read from their names. */
  let version: string;
  const tarballOf = (platform: string) =>
    path.join(REPO_ROOT, "dist", `pulumi-resource-awsamp-v${version}-${platform}.tar.gz`);
  let scratch: string;
  let home: string;
  /** Only what the CLI needs: node, the CLI and its language host, the system's tools. */
  let path_: string;
  let cliEnv: Record<string, string>;
  let installed: string;
  /** The README's install commands, with CHECKOUT as it is written there. */
  let readme: ReadmeInstallCommands;
  /** Runs a README command as a user types it into sh, CHECKOUT being this checkout. */
  const runAsWritten = (command: string, cwd: string, env: Record<string, string>) =>
    runWith("sh", ["-c", command.replaceAll("CHECKOUT", REPO_ROOT)], env, undefined, cwd);

  before(async function () {
    if (!e2e.available) return;
    this.timeout(120_000);
    // `make dist` itself takes a few seconds; `-o build` keeps it from recompiling the tree these tests run
    // from (the tests were built by that build, so the plugin it packs is the one they were built with).
    await run("make", ["--no-print-directory", "-o", "build", "dist"], { cwd: REPO_ROOT });
    const versions = new Set(
      (await readdir(path.join(REPO_ROOT, "dist"))).flatMap(
        (file) => /^pulumi-resource-awsamp-v(.+)-[a-z]+-[a-z0-9]+\.tar\.gz$/.exec(file)?.[1] ?? [],
      ),
    );
    expect([...versions], "make dist makes the tarballs of one version").to.have.lengthOf(1);
    version = [...versions][0] ?? "";
    scratch = await mkdtemp(path.join(tmpdir(), "awsamp-install-"));
    home = path.join(scratch, "home");
    await mkdir(home);
    path_ = [
      ...new Set([path.dirname(process.execPath), TOOLS_BIN, path.dirname(e2e.cli), "/usr/bin", "/bin"]),
    ].join(path.delimiter);
    cliEnv = {
      PATH: path_,
      HOME: scratch,
      PULUMI_HOME: home,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    expect(await readdir(home), "PULUMI_HOME starts empty").to.deep.equal([]);
    readme = readmeInstallCommands(await readFile(path.join(REPO_ROOT, "README.md"), "utf8"));
    // The README's own command, for this machine's tarball, from a folder outside the checkout.
    const install = await runAsWritten(
      readme.plugin.replace("linux-amd64", enginePlatform()),
      scratch,
      cliEnv,
    );
    expect(install.code, `${install.stdout}\n${install.stderr}`).to.equal(0);
    installed = path.join(home, "plugins", `resource-awsamp-v${version}`);
  });

  after(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("makes a tarball for each platform: the sh launcher for linux and darwin, the .cmd one for windows", async () => {
    const listings = new Map<string, TarEntry[]>();
    for (const platform of PLATFORMS) listings.set(platform, await readTarball(tarballOf(platform)));
    for (const [platform, entries] of listings) {
      const names = entries.map((entry) => entry.name);
      expect(names, platform).to.include.members([
        "checkNode.js",
        "bin/main.js",
        "node_modules/@pulumi/pulumi",
      ]);
      // The engine's extractor takes files, folders and symlinks; a hard link would fail the install.
      expect(new Set(entries.map((entry) => entry.type)), platform).to.deep.equal(
        new Set(["file", "directory"]),
      );
      const windows = platform.startsWith("windows-");
      const launcher = entries.find((entry) => entry.name === "pulumi-resource-awsamp");
      const cmd = entries.find((entry) => entry.name === "pulumi-resource-awsamp.cmd");
      if (windows) {
        expect(launcher, platform).to.equal(undefined);
        const script = String(cmd?.content);
        expect(script, "CRLF line endings").to.match(/^@echo off\r\n/);
        expect(script.replace(/\r\n/g, "")).to.not.include("\n");
        expect(script).to.include('node -r "%~dp0checkNode.js" "%~dp0bin\\main.js" %*');
        expect(script).to.include(`>&2 echo ${needsNode("none")}\r\n`);
      } else {
        expect(cmd, platform).to.equal(undefined);
        expect(launcher?.type).to.equal("file");
        expect(launcher?.mode.toString(8), platform).to.equal("755");
        expect(String(launcher?.content)).to.match(/^#!\/bin\/sh\n/);
        expect(String(launcher?.content)).to.include(
          'exec node -r "$here/checkNode.js" "$here/bin/main.js" "$@"',
        );
      }
    }
    // Only the development tree's modules stay out: no compiler, no test runner.
    const linux = (listings.get("linux-amd64") ?? []).map((entry) => entry.name);
    for (const dev of ["node_modules/typescript", "node_modules/mocha", "node_modules/@pulumi/aws"]) {
      expect(linux).to.not.include(dev);
    }
  });

  it("installs into an empty PULUMI_HOME, and plugin ls lists it", async () => {
    const listed = await runWith(e2e.cli, ["--non-interactive", "plugin", "ls", "--json"], cliEnv);
    expect(listed.code, listed.stderr).to.equal(0);
    const plugins = JSON.parse(listed.stdout) as Array<{ name: string; kind: string; version: string }>;
    expect(
      plugins.map((plugin) => ({ name: plugin.name, kind: plugin.kind, version: plugin.version })),
    ).to.deep.include({
      name: "awsamp",
      kind: "resource",
      version,
    });
    await access(path.join(installed, "pulumi-resource-awsamp"), constants.X_OK);
  });

  describe("pulumi up with the installed plugin and the SDK from its tarball", () => {
    let project: PulumiProject;

    before(async function () {
      if (!e2e.available) return;
      this.timeout(180_000);
      // A project with no node_modules of the checkout's: the README's npm command installs the SDK (and
      // @pulumi/pulumi under it, from the registry) into it.
      project = await e2e.project({ name: "awsamp-install", pluginPath: false, env: cliEnv, packages: [] });
      const npm = await runAsWritten(readme.typescript, project.dir, userEnv());
      expect(npm.code, `${readme.typescript}\n${npm.stdout}\n${npm.stderr}`).to.equal(0);
    });

    it("installs the SDK as a package of its own, with no source map naming a file it does not ship", async () => {
      const sdk = path.join(project.dir, "node_modules", "@awsamp", "awsamp");
      expect((await lstat(sdk)).isSymbolicLink(), "a folder, not a link into the checkout").to.equal(false);
      const files = await readdir(sdk, { recursive: true });
      expect(files).to.include("index.js");
      expect(files.filter((file) => file.endsWith(".map"))).to.deep.equal([]);
    });

    it("creates the policy, with no plugins block in Pulumi.yaml and no awsamp plugin on PATH", async () => {
      expect(await readFile(path.join(project.dir, "Pulumi.yaml"), "utf8")).to.not.include("plugins:");
      for (const dir of path_.split(path.delimiter)) {
        const found = await access(path.join(dir, "pulumi-resource-awsamp")).then(
          () => true,
          () => false,
        );
        expect(found, `${dir} has no pulumi-resource-awsamp`).to.equal(false);
      }
      const workspace = e2e.emulator.createWorkspace("install");
      const document = policyDocument(workspace.arn);
      await project.config({ workspaceId: workspace.workspaceId, policyDocument: document });

      await project.must(["up", "--yes", "--skip-preview"]);
      expect(e2e.emulator.policyOf(workspace.workspaceId)).to.include({
        policyDocument: document,
        policyStatus: "ACTIVE",
      });
      const deployment = await project.exportStack();
      const provider = (deployment.deployment.resources ?? []).find(
        (resource) => resource.type === "pulumi:providers:awsamp",
      );
      expect(provider?.inputs?.version, "the default provider names the installed version").to.equal(version);
    });
  });

  describe("the Python and Go SDKs and the dynamic provider, installed with the README's commands", () => {
    /** A folder of its own for a program, outside the checkout. */
    const programFolder = async (name: string) => {
      const dir = path.join(scratch, name);
      await mkdir(dir);
      return dir;
    };
    const must = async (command: string, cwd: string, env: Record<string, string>) => {
      const result = await runAsWritten(command, cwd, env);
      expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).to.equal(0);
      return result;
    };

    it("Python: pip installs the wheel into the program's virtualenv, and the program imports it", async function () {
      this.timeout(300_000);
      const dir = await programFolder("python-program");
      await must("python3 -m venv venv", dir, userEnv());
      const base = userEnv();
      const venv: Record<string, string> = {
        ...base,
        VIRTUAL_ENV: path.join(dir, "venv"),
        PATH: [path.join(dir, "venv", "bin"), base.PATH].join(path.delimiter),
      };
      await must(readme.python, dir, venv);
      const imported = await must(
        "python -c 'import pulumi_awsamp; print(pulumi_awsamp.ResourcePolicy.__name__, pulumi_awsamp.__file__)'",
        dir,
        venv,
      );
      expect(imported.stdout).to.match(
        /^ResourcePolicy .*\/venv\/lib\/python[^/]+\/site-packages\/pulumi_awsamp\//,
      );
    });

    it("Go: the go mod command takes the SDK from the checkout, and the program builds and vets", async function () {
      this.timeout(300_000);
      const dir = await programFolder("go-program");
      await must("go mod init example.com/program", dir, userEnv());
      await writeFile(path.join(dir, "main.go"), GO_PROGRAM);
      await must(readme.go, dir, userEnv());
      await must("go build ./... && go vet ./...", dir, userEnv());
    });

    it("dynamic: npm installs the core and the dynamic provider as packages, not links into the checkout", async function () {
      this.timeout(180_000);
      const dir = await programFolder("dynamic-program");
      await writeFile(path.join(dir, "package.json"), JSON.stringify({ name: "program", private: true }));
      await must(readme.dynamic, dir, userEnv());
      for (const name of ["core", "engine", "dynamic"]) {
        const installedPackage = path.join(dir, "node_modules", "@awsamp", name);
        expect((await lstat(installedPackage)).isSymbolicLink(), name).to.equal(false);
        // Its source maps name src/, which it ships.
        const sources = await readdir(path.join(installedPackage, "src"));
        expect(
          sources.filter((file) => file.endsWith(".ts")),
          name,
        ).to.not.be.empty;
      }
      const loaded = await must(
        `node -e 'console.log(typeof require("@awsamp/dynamic").ResourcePolicy)'`,
        dir,
        userEnv(),
      );
      expect(loaded.stdout.trim()).to.equal("function");
    });
  });

  describe("the launcher where node is missing or old", () => {
    let noNode: string;
    let oldNode: string;

    before(async () => {
      if (!e2e.available) return;
      // The sh launcher needs nothing from PATH but node, so an empty folder is a PATH with no node.
      noNode = path.join(scratch, "no-node");
      await mkdir(noNode);
      // A node that reports 18.20.4: the real one, with process.versions replaced before the check runs.
      oldNode = path.join(scratch, "old-node");
      await mkdir(oldNode);
      const pretend = path.join(oldNode, "pretend-18.js");
      await writeFile(
        pretend,
        'Object.defineProperty(process, "versions", { value: { ...process.versions, node: "18.20.4" } });\n',
      );
      await writeFile(
        path.join(oldNode, "node"),
        `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} -r ${JSON.stringify(pretend)} "$@"\n`,
      );
      await chmod(path.join(oldNode, "node"), 0o755);
    });

    beforeEach(function () {
      if (process.platform === "win32") this.skip();
    });

    it("says to install Node.js and exits non-zero when node is not on PATH", async () => {
      for (const launcher of [
        path.join(installed, "pulumi-resource-awsamp"),
        path.join(REPO_ROOT, "bin", "pulumi-resource-awsamp"),
      ]) {
        const result = await runWith(launcher, [], { PATH: noNode }, LAUNCH_DEADLINE_MS);
        expect(result.code, launcher).to.equal(1);
        expect(result.stdout, "nothing for the engine to read as a port").to.equal("");
        expect(result.stderr).to.equal(`${needsNode("none")}\n`);
      }
    });

    it("names the old version and exits non-zero before the provider loads", async () => {
      const result = await runWith(
        path.join(installed, "pulumi-resource-awsamp"),
        [],
        { PATH: [oldNode, "/usr/bin", "/bin"].join(path.delimiter) },
        LAUNCH_DEADLINE_MS,
      );
      expect(result.code).to.equal(1);
      expect(result.stdout).to.equal("");
      expect(result.stderr).to.equal(`${needsNode("v18.20.4")}\n`);
    });

    it("checks the version in plain ES5, so that an old node can parse it", async () => {
      const source = await readFile(path.join(installed, "checkNode.js"), "utf8");
      const code = source.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
      expect(code).to.not.match(/=>|`|\b(?:let|const|class|async|await)\b|\.\.\./);
      const { nodeVersionProblem } = require(path.join(installed, "checkNode.js")) as {
        nodeVersionProblem(version: string): string | undefined;
      };
      for (const ok of ["22.12.0", "22.23.5", "23.0.0", "24.22.3", "25.1.0"]) {
        expect(nodeVersionProblem(ok), ok).to.equal(undefined);
      }
      for (const old of ["22.11.0", "20.19.5", "18.20.4", "16.0.0", "0.10.48", "not a version"]) {
        expect(nodeVersionProblem(old), old).to.equal(needsNode(`v${old}`));
      }
    });
  });
});
