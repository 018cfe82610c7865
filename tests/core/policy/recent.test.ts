/** RecentMemo: what it keeps, what it drops first, and what it never keeps. */

import { RecentMemo } from "@awsamp/core/policy/recent";
import { expect } from "chai";

/** A memo over a counter of derivations, so a test can tell a kept value from a derived one. */
function countingMemo(capacity: number, maxKeyLength: number) {
  const memo = new RecentMemo<string>(capacity, maxKeyLength);
  let derived = 0;
  return {
    get: (key: string) =>
      memo.get(key, () => {
        derived++;
        return `value of ${key}`;
      }),
    derivations: () => derived,
  };
}

describe("RecentMemo", () => {
  it("derives a key's value once and hands back the kept one after", () => {
    const memo = countingMemo(4, 100);
    expect(memo.get("a")).to.equal("value of a");
    expect(memo.get("a")).to.equal("value of a");
    expect(memo.derivations()).to.equal(1);
  });

  it("drops the least recently used key once full", () => {
    const memo = countingMemo(2, 100);
    memo.get("a");
    memo.get("b");
    memo.get("a"); // a is now the most recent, so c pushes b out
    memo.get("c");
    expect(memo.derivations()).to.equal(3);
    memo.get("a");
    expect(memo.derivations(), "a was kept").to.equal(3);
    memo.get("b");
    expect(memo.derivations(), "b was dropped").to.equal(4);
  });

  it("keeps no key longer than its limit", () => {
    const memo = countingMemo(4, 3);
    memo.get("long");
    memo.get("long");
    expect(memo.derivations()).to.equal(2);
  });
});
