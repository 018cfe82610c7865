/** Properties of canonicalize, equivalent and the access summaries over generated documents, rewritten and edited. */

import {
  accessOf,
  canonicalize,
  equivalent,
  grantsOf,
  PROMETHEUS_COMPATIBLE_ACTIONS,
  summarizeAccessChange,
  validatePolicyDocument,
} from "@awsamp/core/policy";
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

  it("generates each of the five actions, as AWS spells it and in other cases, in Action and in NotAction", () => {
    const seen = new Set<string>();
    for (const model of fc.sample(documentModel, { seed: 42, numRuns: 500 })) {
      for (const statement of model.statements) {
        const element = statement.negateAction ? "NotAction" : "Action";
        for (const action of statement.actions) {
          const spelling = (PROMETHEUS_COMPATIBLE_ACTIONS as readonly string[]).includes(action)
            ? "as AWS"
            : "other";
          seen.add(`${element} ${action.toLowerCase()} ${spelling}`);
        }
      }
    }
    const expected = ["Action", "NotAction"].flatMap((element) =>
      PROMETHEUS_COMPATIBLE_ACTIONS.flatMap((action) =>
        ["as AWS", "other"].map((spelling) => `${element} ${action.toLowerCase()} ${spelling}`),
      ),
    );
    expect([...seen]).to.have.members(expected);
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

  it("gives accessOf one entry for each principal and action grantsOf gives, holding each of their grants", () => {
    fc.assert(
      fc.property(documentModel, (model) => {
        const text = JSON.stringify(render(model));
        const grants = grantsOf(text);
        const keyOf = (grant: (typeof grants)[number]) => `${grant.principal} ${grant.action}`;
        const access = accessOf(text);
        expect(Object.keys(access)).to.have.members([...new Set(grants.map(keyOf))]);
        for (const [key, value] of Object.entries(access)) {
          const effects = grants.filter((grant) => keyOf(grant) === key).map((grant) => grant.effect);
          expect(
            value.split("; ").map((part) => part.split(" ")[0]),
            key,
          ).to.deep.equal(effects);
        }
      }),
      RUNS,
    );
  });

  // Not the rewrite of account IDs as root ARNs and back: where only root ARNs name a document's partition,
  // its IDs alone no longer do, and accessOf, reading one document, takes them to be in aws.
  it("gives the same access for a document and any rewrite of it that keeps the ARNs as they are", () => {
    const rewrites = MEANING_PRESERVING_REWRITES.filter(
      (r) => r.name !== "writing account IDs as root ARNs and back",
    );
    expect(rewrites).to.have.length(MEANING_PRESERVING_REWRITES.length - 1);
    fc.assert(
      fc.property(documentModel, fc.gen(), (model, g) => {
        const pick = pickerOf(g);
        const document = render(model);
        const chosen = someRewrites(pick).filter((rewrite) => rewrites.includes(rewrite));
        expect(accessOf(rewritten(document, chosen, pick))).to.deep.equal(accessOf(JSON.stringify(document)));
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
