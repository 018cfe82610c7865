/** @awsamp/core saidOnce: what the user was told already, within a process and across one CLI command's plugins. */
import { readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { saidOnceInCommand, saidOnceInProcess } from "@awsamp/core/saidOnce";
import { expect } from "chai";

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
      for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(`awsamp-said-${process.pid}-`))) {
        rmSync(path.join(tmpdir(), name), { force: true });
      }
    }
  });

  it("in a command: another CLI process starts with nothing said", () => {
    const first = saidOnceInCommand(process.pid);
    const other = saidOnceInCommand(process.ppid);
    expect(first.firstTime(`key-${process.pid}`)).to.equal(true);
    expect(other.firstTime(`key-${process.pid}`)).to.equal(true);
  });
});
