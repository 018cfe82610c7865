/** Properties of canonicalize and equivalent over generated documents, rewritten and edited. */

import { canonicalize, equivalent, summarizeAccessChange, validatePolicyDocument } from "@awsamp/core/policy";
import { expect } from "chai";
import fc from "fast-check";
import {
  ACCOUNT_IDS_IN_ANY_PARTITION,
  copyOf,
  documentModel,
  MEANING_CHANGING_EDITS,
  MEANING_PRESERVING_REWRITES,
  type Pick,
  type Rewrite,
  render,
  serialize,
  withResourcesAnywhere,
} from "./generators";

const RUNS = { numRuns: 200 };

function pickerOf(g: fc.GeneratorValue): Pick {
  return (n) => g(fc.integer, { min: 0, max: n - 1 });
}

/** Applies each rewrite, in the order given, to a copy of the document; returns its text. */
function rewritten(document: ReturnType<typeof render>, rewrites: readonly Rewrite[], pick: Pick): string {
  return serialize(
    rewrites.reduce((current, rewrite) => rewrite.apply(current, pick), copyOf(document)),
    pick,
  );
}

/** Some of the rewrites, in some order. */
function someRewrites(pick: Pick): Rewrite[] {
  const chosen = MEANING_PRESERVING_REWRITES.filter(() => pick(2) === 0);
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
  }
  return chosen;
}

describe("policy equivalence properties", () => {
  it("generates only valid documents", () => {
    fc.assert(
      fc.property(documentModel, (model) => {
        const result = validatePolicyDocument(JSON.stringify(render(model)));
        expect(result.ok ? [] : result.problems.filter((p) => p.severity === "error")).to.deep.equal([]);
      }),
      RUNS,
    );
  });

  for (const rewrite of MEANING_PRESERVING_REWRITES) {
    it(`keeps a document equivalent to itself after ${rewrite.name}`, () => {
      fc.assert(
        fc.property(documentModel, fc.gen(), (model, g) => {
          const document = render(model);
          expect(equivalent(JSON.stringify(document), rewritten(document, [rewrite], pickerOf(g)))).to.equal(
            true,
          );
        }),
        RUNS,
      );
    });
  }

  it("keeps a document equivalent to itself with other whitespace", () => {
    fc.assert(
      fc.property(documentModel, fc.gen(), (model, g) => {
        const document = render(model);
        expect(equivalent(JSON.stringify(document), serialize(document, pickerOf(g)))).to.equal(true);
      }),
      RUNS,
    );
  });

  it("keeps a document equivalent to itself after any combination of those rewrites", () => {
    fc.assert(
      fc.property(documentModel, fc.gen(), (model, g) => {
        const pick = pickerOf(g);
        const document = render(model);
        const rewrites = [...someRewrites(pick), ...someRewrites(pick)];
        expect(equivalent(rewritten(document, rewrites, pick), JSON.stringify(document))).to.equal(true);
      }),
      RUNS,
    );
  });

  it("keeps a document equivalent to itself with its account IDs as root ARNs of the partition its ARNs name, or of any one where they name none", () => {
    fc.assert(
      fc.property(documentModel, fc.gen(), (model, g) => {
        const pick = pickerOf(g);
        const document = render(pick(2) === 0 ? model : withResourcesAnywhere(model));
        const text = rewritten(document, [ACCOUNT_IDS_IN_ANY_PARTITION], pick);
        expect(equivalent(JSON.stringify(document), text)).to.equal(true);
        expect(equivalent(text, JSON.stringify(document))).to.equal(true);
        expect(summarizeAccessChange(JSON.stringify(document), text).lines).to.deep.equal([]);
      }),
      RUNS,
    );
  });

  for (const edit of MEANING_CHANGING_EDITS) {
    it(`tells a document apart from itself after ${edit.name}, however either is written`, () => {
      fc.assert(
        fc.property(documentModel, fc.gen(), (model, g) => {
          const pick = pickerOf(g);
          const edited = edit.apply(model, pick);
          fc.pre(edited !== undefined);
          if (edited === undefined) return;
          const before = rewritten(render(model), someRewrites(pick), pick);
          const after = rewritten(render(edited), someRewrites(pick), pick);
          expect(equivalent(before, after)).to.equal(false);
        }),
        RUNS,
      );
    });
  }

  it("canonicalizes idempotently", () => {
    fc.assert(
      fc.property(documentModel, fc.gen(), (model, g) => {
        const pick = pickerOf(g);
        const once = canonicalize(rewritten(render(model), someRewrites(pick), pick));
        expect(canonicalize(once)).to.equal(once);
      }),
      RUNS,
    );
  });

  it("canonicalizes to a valid document equivalent to the original", () => {
    fc.assert(
      fc.property(documentModel, fc.gen(), (model, g) => {
        const pick = pickerOf(g);
        const text = rewritten(render(model), someRewrites(pick), pick);
        const canonical = canonicalize(text);
        expect(equivalent(JSON.parse(canonical), text)).to.equal(true);
        expect(validatePolicyDocument(canonical).ok).to.equal(true);
      }),
      RUNS,
    );
  });

  it("summarizes no access change between a document and any rewrite of it", () => {
    fc.assert(
      fc.property(documentModel, fc.gen(), (model, g) => {
        const pick = pickerOf(g);
        const document = render(model);
        const text = rewritten(document, someRewrites(pick), pick);
        expect(summarizeAccessChange(JSON.stringify(document), text).lines).to.deep.equal([]);
      }),
      RUNS,
    );
  });
});
