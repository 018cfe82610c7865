/** @awsamp/core settleMemory: where writes settled, remembered for the next process in the user's cache folder. */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { recallSettles, rememberSettles, settleMemoryPath } from "@awsamp/core/settleMemory";
import { expect } from "chai";

describe("settleMemory", () => {
  let cache: string;
  let before: string | undefined;
  let file: string;

  beforeEach(async () => {
    cache = await mkdtemp(path.join(tmpdir(), "awsamp-settle-"));
    before = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    file = path.join(cache, "awsamp", "settle-times.json");
  });

  afterEach(async () => {
    if (before === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = before;
    await rm(cache, { recursive: true, force: true });
  });

  it("lives in the user's cache folder: XDG_CACHE_HOME, else the platform's", () => {
    expect(settleMemoryPath({ XDG_CACHE_HOME: "/c" }, "linux")).to.equal("/c/awsamp/settle-times.json");
    expect(settleMemoryPath({}, "linux")).to.match(/\.cache\/awsamp\/settle-times\.json$/);
    expect(settleMemoryPath({}, "darwin")).to.match(/Library\/Caches\/awsamp\/settle-times\.json$/);
    expect(settleMemoryPath({ LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, "win32")).to.include("AppData");
  });

  it("gives the next process what the last saved, per place and kind", async () => {
    await rememberSettles("aws us-east-1", "ACTIVE", { settledMs: [2000], settlingMs: [1900] });
    await rememberSettles("aws eu-west-1", "deleted", { settledMs: [800], settlingMs: [] });
    expect(recallSettles("aws us-east-1", "ACTIVE")).to.deep.equal({ settledMs: [2000], settlingMs: [1900] });
    expect(recallSettles("aws eu-west-1", "deleted")).to.deep.equal({ settledMs: [800], settlingMs: [] });
    expect(recallSettles("aws us-east-1", "deleted")).to.equal(undefined);
    expect(recallSettles("aws ap-south-1", "ACTIVE")).to.equal(undefined);
  });

  it("forgets what is older than a week: AWS's pace may have moved", async () => {
    const longAgo = Date.now() - 8 * 24 * 3600_000;
    await rememberSettles("aws us-east-1", "ACTIVE", { settledMs: [2000], settlingMs: [] }, longAgo);
    expect(recallSettles("aws us-east-1", "ACTIVE")).to.equal(undefined);
  });

  it("ignores a corrupt or foreign file, and replaces it at the next save", async () => {
    await rememberSettles("aws us-east-1", "ACTIVE", { settledMs: [2000], settlingMs: [] });
    for (const text of [
      "{not json",
      '{"version":2,"places":{}}',
      '{"version":1,"places":{"aws us-east-1":' +
        '{"savedAt":1,"ACTIVE":{"settledMs":["x"],"settlingMs":[]}}}}',
    ]) {
      await writeFile(file, text);
      expect(recallSettles("aws us-east-1", "ACTIVE")).to.equal(undefined);
    }
    await rememberSettles("aws us-east-1", "ACTIVE", { settledMs: [1000], settlingMs: [] });
    expect(recallSettles("aws us-east-1", "ACTIVE")).to.deep.equal({ settledMs: [1000], settlingMs: [] });
  });

  it("stays one whole file when processes save at once, and leaves no scratch files", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rememberSettles(`place ${i % 4}`, "ACTIVE", { settledMs: [1000 + i], settlingMs: [] }),
      ),
    );
    const saved = JSON.parse(await readFile(file, "utf8")) as { places: Record<string, unknown> };
    expect(Object.keys(saved.places).length).to.be.within(1, 4);
    expect(await readdir(path.dirname(file))).to.deep.equal(["settle-times.json"]);
  });

  it("keeps the sixteen places saved last", async () => {
    for (let i = 0; i < 20; i++) {
      await rememberSettles(`place ${i}`, "ACTIVE", { settledMs: [i], settlingMs: [] }, Date.now() - 20 + i);
    }
    expect(recallSettles("place 3", "ACTIVE")).to.equal(undefined);
    expect(recallSettles("place 4", "ACTIVE")).to.deep.equal({ settledMs: [4], settlingMs: [] });
  });

  it("never fails a write where nothing can be saved", async () => {
    await writeFile(path.join(cache, "awsamp"), "a file where the folder would go");
    await rememberSettles("aws us-east-1", "ACTIVE", { settledMs: [2000], settlingMs: [] });
    expect(recallSettles("aws us-east-1", "ACTIVE")).to.equal(undefined);
  });
});
