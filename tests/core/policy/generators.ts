/**
 * fast-check generators of valid policy documents, with the rewrites that keep their meaning and the edits
 * that change it. Documents come from a model whose lists are sets of distinct identities (actions, which
 * are the five AMP takes in any case, distinct ignoring case), so an edit of the model is known to change
 * what the document grants.
 */
import fc from "fast-check";
import { type Json, WORKSPACE_ARN } from "./documents";

type JsonObject = { [key: string]: Json };

/** Picks a whole number in [0, n). */
export type Pick = (n: number) => number;

const ACCOUNTS = ["111122223333", "123456789012", "444455556666"];
const ROLES = ["arn:aws:iam::123456789012:role/writer", "arn:aws:iam::444455556666:role/grafana"];
const SERVICES = ["grafana.amazonaws.com", "aps.amazonaws.com"];
/** The five actions AMP takes, as AWS spells them: AMP refuses every other action and every wildcard. */
const ACTIONS = [
  "aps:RemoteWrite",
  "aps:QueryMetrics",
  "aps:GetSeries",
  "aps:GetLabels",
  "aps:GetMetricMetadata",
];
const RESOURCES = [
  WORKSPACE_ARN,
  "arn:aws:aps:us-west-2:111122223333:workspace/ws-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
  "arn:aws:aps:us-west-2:111122223333:workspace/*",
  "*",
];
/** The partitions a document may live in; the ARNs above are written in the model's. */
const PARTITIONS = ["aws", "aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b"];
const OPERATORS = ["StringEquals", "StringLike", "ForAnyValue:StringEquals"];
const CONDITION_KEYS = ["aws:PrincipalOrgID", "aws:SourceAccount"];
const CONDITION_VALUES = ["o-a1b2c3d4e5", "o-f6g7h8i9j0", "111122223333", "Value With Spaces"];

/** An AWS principal: an account (written as its ID or its root ARN), a role, or anyone. */
interface AwsPrincipalModel {
  identity: string;
  asRootArn: boolean;
}

interface PrincipalModel {
  aws: AwsPrincipalModel[];
  service: string[];
}

interface ConditionModel {
  operator: string;
  key: string;
  values: string[];
}

/** One statement, with every list a set of distinct identities. */
export interface StatementModel {
  sid: string | undefined;
  effect: "Allow" | "Deny";
  negatePrincipal: boolean;
  principal: "*" | PrincipalModel;
  negateAction: boolean;
  actions: string[];
  resources: string[];
  condition: ConditionModel | undefined;
}

export interface DocumentModel {
  partition: string;
  version: "2012-10-17" | "2008-10-17" | undefined;
  id: string | undefined;
  statements: StatementModel[];
}

/** Actions that name the same one, as IAM compares action names in any case. */
function sameAction(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Some case of a text: each letter upper-case where its flag says so. */
function casedAs(text: string, upper: readonly boolean[]): string {
  return [...text].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join("");
}

/** One of the five: mostly as AWS spells it, else in lower, upper or mixed case, which IAM reads alike. */
const action: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...ACTIONS), weight: 3 },
  { arbitrary: fc.constantFrom(...ACTIONS).map((a) => a.toLowerCase()), weight: 1 },
  { arbitrary: fc.constantFrom(...ACTIONS).map((a) => a.toUpperCase()), weight: 1 },
  {
    arbitrary: fc
      .constantFrom(...ACTIONS)
      .chain((a) =>
        fc
          .array(fc.boolean(), { minLength: a.length, maxLength: a.length })
          .map((upper) => casedAs(a, upper)),
      ),
    weight: 1,
  },
);

const awsPrincipal: fc.Arbitrary<AwsPrincipalModel> = fc.record({
  identity: fc.constantFrom(...ACCOUNTS, ...ROLES, "*"),
  asRootArn: fc.boolean(),
});

const principalObject: fc.Arbitrary<PrincipalModel> = fc
  .record({
    aws: fc.uniqueArray(awsPrincipal, { maxLength: 3, selector: (p) => p.identity }),
    service: fc.uniqueArray(fc.constantFrom(...SERVICES), { maxLength: 2 }),
  })
  .filter((p) => p.aws.length + p.service.length > 0);

const condition: fc.Arbitrary<ConditionModel> = fc.record({
  operator: fc.constantFrom(...OPERATORS),
  key: fc.constantFrom(...CONDITION_KEYS),
  values: fc.uniqueArray(fc.constantFrom(...CONDITION_VALUES), { minLength: 1, maxLength: 3 }),
});

const statementModel: fc.Arbitrary<Omit<StatementModel, "sid">> = fc.record({
  effect: fc.constantFrom("Allow" as const, "Deny" as const),
  negatePrincipal: fc.nat(4).map((n) => n === 0),
  principal: fc.oneof(
    { arbitrary: fc.constant("*" as const), weight: 1 },
    { arbitrary: principalObject, weight: 4 },
  ),
  negateAction: fc.boolean(),
  actions: fc.uniqueArray(action, { minLength: 1, maxLength: 4, selector: (a) => a.toLowerCase() }),
  resources: fc.uniqueArray(fc.constantFrom(...RESOURCES), { minLength: 1, maxLength: 2 }),
  condition: fc.option(condition, { nil: undefined }),
});

/** What a statement grants, independent of how it is written: the key that makes statements distinct. */
function meaningOf(statement: Omit<StatementModel, "sid">): string {
  const principal =
    statement.principal === "*"
      ? "*"
      : {
          aws: statement.principal.aws.map((p) => p.identity).sort(),
          service: [...statement.principal.service].sort(),
        };
  const condition = statement.condition && {
    ...statement.condition,
    values: [...statement.condition.values].sort(),
  };
  return JSON.stringify([
    statement.effect,
    statement.negatePrincipal,
    principal,
    statement.negateAction,
    statement.actions.map((a) => a.toLowerCase()).sort(),
    [...statement.resources].sort(),
    condition ?? null,
  ]);
}

/** Valid documents of one to four statements that each grant something different. */
export const documentModel: fc.Arbitrary<DocumentModel> = fc
  .record({
    partition: fc.constantFrom(...PARTITIONS),
    version: fc.constantFrom("2012-10-17" as const, "2008-10-17" as const, undefined),
    id: fc.constantFrom("amp-policy", undefined),
    statements: fc.uniqueArray(statementModel, { minLength: 1, maxLength: 4, selector: meaningOf }),
    sidKinds: fc.array(fc.constantFrom("absent", "empty", "named"), { minLength: 4, maxLength: 4 }),
  })
  .map(({ partition, version, id, statements, sidKinds }) => ({
    partition,
    version,
    id,
    statements: statements.map((statement, index) => ({
      ...statement,
      sid: sidKinds[index] === "absent" ? undefined : sidKinds[index] === "empty" ? "" : `S${index}`,
    })),
  }));

/** The document a model stands for, with every one-or-many value as a list. */
export function render(model: DocumentModel): JsonObject {
  const document: JsonObject = {};
  if (model.version !== undefined) document.Version = model.version;
  if (model.id !== undefined) document.Id = model.id;
  document.Statement = model.statements.map((statement) => renderStatement(statement, model.partition));
  return document;
}

/** An ARN of the pools above, moved to another partition. */
function inPartition(text: string, partition: string): string {
  return text.replace(/^arn:aws:/, `arn:${partition}:`);
}

function renderStatement(statement: StatementModel, partition: string): JsonObject {
  const rendered: JsonObject = {};
  if (statement.sid !== undefined) rendered.Sid = statement.sid;
  rendered.Effect = statement.effect;
  rendered[statement.negatePrincipal ? "NotPrincipal" : "Principal"] = renderPrincipal(
    statement.principal,
    partition,
  );
  rendered[statement.negateAction ? "NotAction" : "Action"] = [...statement.actions];
  rendered.Resource = statement.resources.map((resource) => inPartition(resource, partition));
  if (statement.condition) {
    const { operator, key, values } = statement.condition;
    rendered.Condition = { [operator]: { [key]: [...values] } };
  }
  return rendered;
}

function renderPrincipal(principal: StatementModel["principal"], partition: string): Json {
  if (principal === "*") return "*";
  const rendered: JsonObject = {};
  if (principal.aws.length > 0) {
    rendered.AWS = principal.aws.map(({ identity, asRootArn }) =>
      asRootArn && /^\d{12}$/.test(identity)
        ? `arn:${partition}:iam::${identity}:root`
        : inPartition(identity, partition),
    );
  }
  if (principal.service.length > 0) rendered.Service = [...principal.service];
  return rendered;
}

// --- rewrites that keep the meaning, on the rendered JSON ------------------------------------------------

function shuffled<T>(items: readonly T[], pick: Pick): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

function isObject(value: Json): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function statementsIn(document: JsonObject): JsonObject[] {
  const statements = document.Statement;
  return (Array.isArray(statements) ? statements : [statements]).filter(isObject);
}

/** Every one-or-many value of a document: [the object holding it, its key]. */
function valueSlots(document: JsonObject): [JsonObject, string][] {
  const slots: [JsonObject, string][] = [];
  for (const statement of statementsIn(document)) {
    for (const key of ["Action", "NotAction", "Resource"]) if (key in statement) slots.push([statement, key]);
    for (const key of ["Principal", "NotPrincipal"]) {
      const principal = statement[key];
      if (isObject(principal)) for (const kind of Object.keys(principal)) slots.push([principal, kind]);
    }
    const condition = statement.Condition;
    if (isObject(condition)) {
      for (const block of Object.values(condition)) {
        if (isObject(block)) for (const conditionKey of Object.keys(block)) slots.push([block, conditionKey]);
      }
    }
  }
  return slots;
}

const ROOT_ARN = /^arn:([^:]+):iam::(\d{12}):root$/;

/**
 * The partition a document's ARNs name (generated documents name at most one), or undefined where they
 * name none. With `lasting`, only ARNs the rewrites never remove count: resources and roles, not roots.
 */
function namedPartition(document: JsonObject, lasting = false): string | undefined {
  const texts: Json[] = [];
  for (const statement of statementsIn(document)) {
    texts.push(statement.Resource ?? null);
    for (const key of ["Principal", "NotPrincipal"]) {
      const principal = statement[key];
      if (isObject(principal)) texts.push(...Object.values(principal));
    }
  }
  for (const text of texts.flat()) {
    if (typeof text !== "string" || (lasting && ROOT_ARN.test(text))) continue;
    const partition = /^arn:([^:]+):/.exec(text)?.[1];
    if (partition) return partition;
  }
  return undefined;
}

/** Writes some of a document's account IDs as root ARNs in a partition, and some such root ARNs as IDs. */
function toggleRootArns(document: JsonObject, partition: string, pick: Pick, toArns: boolean): JsonObject {
  for (const statement of statementsIn(document)) {
    for (const key of ["Principal", "NotPrincipal"]) {
      const principal = statement[key];
      if (!isObject(principal) || !("AWS" in principal)) continue;
      principal.AWS = mapStrings(principal.AWS, (value) => {
        if (pick(2) === 0) return value;
        const root = ROOT_ARN.exec(value);
        if (root && root[1] === partition) return root[2];
        return toArns && /^\d{12}$/.test(value) ? `arn:${partition}:iam::${value}:root` : value;
      });
    }
  }
  return document;
}

function mapStrings(value: Json, change: (text: string) => string): Json {
  if (typeof value === "string") return change(value);
  return Array.isArray(value) ? value.map((element) => mapStrings(element, change)) : value;
}

function randomCase(text: string, pick: Pick): string {
  return [...text].map((c) => (pick(2) === 0 ? c.toUpperCase() : c.toLowerCase())).join("");
}

/** A rewrite of a document's JSON, in place or by returning a new value. */
export interface Rewrite {
  name: string;
  apply: (document: JsonObject, pick: Pick) => JsonObject;
}

function shuffleKeys(value: Json, pick: Pick): Json {
  if (Array.isArray(value)) return value.map((element) => shuffleKeys(element, pick));
  if (!isObject(value)) return value;
  return Object.fromEntries(
    shuffled(Object.entries(value), pick).map(([key, inner]) => [key, shuffleKeys(inner, pick)]),
  );
}

/** The rewrites IAM reads as the same document. */
export const MEANING_PRESERVING_REWRITES: Rewrite[] = [
  { name: "shuffling keys", apply: (document, pick) => shuffleKeys(document, pick) as JsonObject },
  {
    name: "writing one-element lists as single values and single values as lists",
    apply: (document, pick) => {
      for (const [holder, key] of valueSlots(document)) {
        const value = holder[key];
        if (Array.isArray(value) && value.length === 1 && pick(2) === 0) holder[key] = value[0];
        else if (!Array.isArray(value) && pick(2) === 0) holder[key] = [value];
      }
      if (Array.isArray(document.Statement) && document.Statement.length === 1 && pick(2) === 0) {
        document.Statement = document.Statement[0];
      }
      return document;
    },
  },
  {
    name: "reordering statements and values",
    apply: (document, pick) => {
      if (Array.isArray(document.Statement)) document.Statement = shuffled(document.Statement, pick);
      for (const [holder, key] of valueSlots(document)) {
        const value = holder[key];
        if (Array.isArray(value)) holder[key] = shuffled(value, pick);
      }
      return document;
    },
  },
  {
    name: "duplicating values",
    apply: (document, pick) => {
      for (const [holder, key] of valueSlots(document)) {
        const value = holder[key];
        const list = Array.isArray(value) ? value : [value];
        if (pick(2) === 0) holder[key] = [...list, list[pick(list.length)]];
      }
      return document;
    },
  },
  {
    name: "changing the case of actions",
    apply: (document, pick) => {
      for (const statement of statementsIn(document)) {
        for (const key of ["Action", "NotAction"]) {
          if (key in statement)
            statement[key] = mapStrings(statement[key], (action) => randomCase(action, pick));
        }
      }
      return document;
    },
  },
  {
    // Where only root ARNs tell the partition, writing the last as an ID forgets it: a later rewrite
    // could then pick another partition, which the original would not equal. So IDs become root ARNs
    // only where resources or roles tell the partition for good; ACCOUNT_IDS_IN_ANY_PARTITION covers the rest.
    name: "writing account IDs as root ARNs and back",
    apply: (document, pick) => {
      const lasting = namedPartition(document, true);
      const partition = lasting ?? namedPartition(document);
      return partition === undefined
        ? document
        : toggleRootArns(document, partition, pick, lasting !== undefined);
    },
  },
  {
    name: "changing the case of condition keys",
    apply: (document, pick) => {
      for (const statement of statementsIn(document)) {
        const condition = statement.Condition;
        if (!isObject(condition)) continue;
        for (const [operator, block] of Object.entries(condition)) {
          if (!isObject(block)) continue;
          condition[operator] = Object.fromEntries(
            Object.entries(block).map(([key, value]) => [randomCase(key, pick), value]),
          );
        }
      }
      return document;
    },
  },
  {
    name: 'writing an absent Sid as "" and back',
    apply: (document, pick) => {
      for (const statement of statementsIn(document)) {
        if (statement.Sid === "" && pick(2) === 0) delete statement.Sid;
        else if (!("Sid" in statement) && pick(2) === 0) statement.Sid = "";
      }
      return document;
    },
  },
];

/**
 * Writes account IDs as root ARNs of the partition the document's ARNs name or, where they name none, of
 * any one partition. The document then equals the original, but is not a rewrite to combine with others:
 * its root ARNs tell a partition the original left open, and two such rewrites may choose two partitions.
 */
export const ACCOUNT_IDS_IN_ANY_PARTITION: Rewrite = {
  name: "writing account IDs as root ARNs of the partition the ARNs name, or of any one where they name none",
  apply: (document, pick) =>
    toggleRootArns(document, namedPartition(document) ?? PARTITIONS[pick(PARTITIONS.length)], pick, true),
};

/** The same model with every resource `"*"` and every account written as its ID: no ARN but its roles'. */
export function withResourcesAnywhere(model: DocumentModel): DocumentModel {
  return {
    ...model,
    statements: model.statements.map((statement) => ({
      ...statement,
      resources: ["*"],
      principal:
        statement.principal === "*"
          ? "*"
          : {
              ...statement.principal,
              aws: statement.principal.aws.map((p) => ({ ...p, asRootArn: false })),
            },
    })),
  };
}

/** The text of a document with whitespace of one of several kinds. */
export function serialize(document: JsonObject, pick: Pick): string {
  const indent = ["", " ", "  ", "\t", "    "][pick(5)];
  const padding = ["", "\n", " \r\n\t "][pick(3)];
  return `${padding}${JSON.stringify(document, null, indent)}${padding}`;
}

/** A deep copy of a document, so rewrites may change it in place. */
export function copyOf(document: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(document)) as JsonObject;
}

// --- edits that change the meaning, on the model ---------------------------------------------------------

/** An edit of one statement's meaning, or of the document's; undefined where it does not apply. */
export interface Edit {
  name: string;
  apply: (model: DocumentModel, pick: Pick) => DocumentModel | undefined;
}

function editStatement(
  model: DocumentModel,
  pick: Pick,
  change: (statement: StatementModel) => StatementModel | undefined,
): DocumentModel | undefined {
  const order = shuffled(
    model.statements.map((_, index) => index),
    pick,
  );
  for (const index of order) {
    const changed = change(structuredClone(model.statements[index]));
    if (changed) return { ...model, statements: model.statements.map((s, i) => (i === index ? changed : s)) };
  }
  return undefined;
}

function withoutOne<T>(items: T[], pick: Pick): T[] | undefined {
  if (items.length < 2) return undefined;
  const index = pick(items.length);
  return items.filter((_, i) => i !== index);
}

function plusOne(
  items: string[],
  pool: string[],
  pick: Pick,
  same = (a: string, b: string) => a === b,
): string[] | undefined {
  const fresh = pool.filter((candidate) => !items.some((item) => same(item, candidate)));
  return fresh.length === 0 ? undefined : [...items, fresh[pick(fresh.length)]];
}

function principalCount(principal: PrincipalModel): number {
  return principal.aws.length + principal.service.length;
}

/** The edits that change what a document grants or how it is identified. */
export const MEANING_CHANGING_EDITS: Edit[] = [
  {
    name: "changing Version",
    apply: (model, pick) => {
      const others = (["2012-10-17", "2008-10-17", undefined] as const).filter((v) => v !== model.version);
      return { ...model, version: others[pick(others.length)] };
    },
  },
  {
    // Only where a resource or a role names the partition: account IDs alone stand for the root of
    // whichever partition the policy lives in, and root ARNs may be rewritten as IDs.
    name: "moving the document to another partition",
    apply: (model, pick) => {
      const namesPartition = model.statements.some(
        (s) =>
          s.resources.some((resource) => resource.startsWith("arn:")) ||
          (s.principal !== "*" && s.principal.aws.some((p) => p.identity.startsWith("arn:"))),
      );
      const others = PARTITIONS.filter((partition) => partition !== model.partition);
      return namesPartition ? { ...model, partition: others[pick(others.length)] } : undefined;
    },
  },
  {
    name: "changing Id",
    apply: (model) => ({ ...model, id: model.id === undefined ? "other-id" : undefined }),
  },
  {
    name: "changing a Sid",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => ({
        ...s,
        sid: s.sid === undefined || s.sid === "" ? "Added" : `${s.sid}x`,
      })),
  },
  {
    name: "changing Effect",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => ({ ...s, effect: s.effect === "Allow" ? "Deny" : "Allow" })),
  },
  {
    name: "adding an action",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        const actions = plusOne(s.actions, ACTIONS, pick, sameAction);
        if (!actions) return undefined;
        const added = actions[actions.length - 1];
        return { ...s, actions: [...s.actions, pick(2) === 0 ? added : randomCase(added, pick)] };
      }),
  },
  {
    name: "removing an action",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        const actions = withoutOne(s.actions, pick);
        return actions && { ...s, actions };
      }),
  },
  {
    name: "adding a principal",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        if (s.principal === "*") return undefined;
        const aws = plusOne(
          s.principal.aws.map((p) => p.identity),
          [...ACCOUNTS, ...ROLES],
          pick,
        );
        return (
          aws && {
            ...s,
            principal: { ...s.principal, aws: aws.map((identity) => ({ identity, asRootArn: false })) },
          }
        );
      }),
  },
  {
    name: "removing a principal",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        if (s.principal === "*" || principalCount(s.principal) < 2) return undefined;
        const { aws, service } = s.principal;
        const index = pick(aws.length + service.length);
        return {
          ...s,
          principal: {
            aws: aws.filter((_, i) => i !== index),
            service: service.filter((_, i) => i !== index - aws.length),
          },
        };
      }),
  },
  {
    name: 'turning "*" into {"AWS": "*"} and back',
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        if (s.principal === "*")
          return { ...s, principal: { aws: [{ identity: "*", asRootArn: false }], service: [] } };
        const onlyAnyone = principalCount(s.principal) === 1 && s.principal.aws[0]?.identity === "*";
        return onlyAnyone ? { ...s, principal: "*" } : undefined;
      }),
  },
  {
    name: "adding a resource",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        const resources = plusOne(s.resources, RESOURCES, pick);
        return resources && { ...s, resources };
      }),
  },
  {
    name: "removing a resource",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        const resources = withoutOne(s.resources, pick);
        return resources && { ...s, resources };
      }),
  },
  {
    name: "adding a condition",
    apply: (model, pick) =>
      editStatement(model, pick, (s) =>
        s.condition
          ? undefined
          : { ...s, condition: { operator: "StringEquals", key: "aws:SourceAccount", values: ["1"] } },
      ),
  },
  {
    name: "removing a condition",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => (s.condition ? { ...s, condition: undefined } : undefined)),
  },
  {
    name: "adding a condition value",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        const values = s.condition && plusOne(s.condition.values, CONDITION_VALUES, pick);
        return values && s.condition && { ...s, condition: { ...s.condition, values } };
      }),
  },
  {
    name: "removing a condition value",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        const values = s.condition && withoutOne(s.condition.values, pick);
        return values && s.condition && { ...s, condition: { ...s.condition, values } };
      }),
  },
  {
    // StringEquals, StringLike and their ForAnyValue forms all match values case-sensitively.
    name: "changing the case of a condition value",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        if (!s.condition) return undefined;
        const cased = s.condition.values.filter((v) => v.toUpperCase() !== v);
        if (cased.length === 0) return undefined;
        const target = cased[pick(cased.length)];
        const values = s.condition.values.map((v) => (v === target ? v.toUpperCase() : v));
        return { ...s, condition: { ...s.condition, values } };
      }),
  },
  {
    name: "changing a condition value",
    apply: (model, pick) =>
      editStatement(model, pick, (s) => {
        if (!s.condition) return undefined;
        const values = s.condition.values;
        const fresh = CONDITION_VALUES.filter((v) => !values.includes(v));
        if (fresh.length === 0) return undefined;
        const index = pick(values.length);
        const changed = values.map((v, i) => (i === index ? fresh[pick(fresh.length)] : v));
        return { ...s, condition: { ...s.condition, values: changed } };
      }),
  },
];
