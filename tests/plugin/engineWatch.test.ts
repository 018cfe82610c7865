/** @awsamp/plugin engineWatch: a plugin notices that the engine which started it is gone. */
import { createServer, type Server } from "node:net";
import { watchEngine } from "@awsamp/plugin/engineWatch";
import { expect } from "chai";

/** Resolves with why the watch fired, or "still watching" after `ms`. */
function firedWithin(ms: number, start: (onGone: (why: string) => void) => () => void): Promise<string> {
  return new Promise((resolve) => {
    const stop = start(resolve);
    setTimeout(() => {
      stop();
      resolve("still watching");
    }, ms);
  });
}

describe("engineWatch", function () {
  this.timeout(10_000);
  let engine: Server;
  let address: string;

  beforeEach(async () => {
    engine = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
    const bound = engine.address();
    address = typeof bound === "object" && bound ? `127.0.0.1:${bound.port}` : "";
  });

  afterEach(() => {
    engine.close();
  });

  it("keeps watching while the parent lives and the engine's address answers", async () => {
    const why = await firedWithin(2500, (onGone) =>
      watchEngine({ parentPid: process.ppid, engineAddress: address, onGone }),
    );
    expect(why).to.equal("still watching");
  });

  it("fires within seconds once the engine's address refuses connections", async () => {
    engine.close();
    const why = await firedWithin(5000, (onGone) =>
      watchEngine({ parentPid: process.ppid, engineAddress: address, onGone }),
    );
    expect(why).to.equal(`the engine at ${address} no longer answers`);
  });

  it("fires at its first look when the plugin's parent is no longer the CLI that started it", async () => {
    const why = await firedWithin(2500, (onGone) =>
      watchEngine({ parentPid: process.ppid + 1_000_000, onGone }),
    );
    expect(why).to.match(/its parent process \d+ exited/);
  });
});
