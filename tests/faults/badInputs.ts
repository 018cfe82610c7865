/**
 * fast-check generators of the inputs a careless or hostile engine could send to Check and Diff: arbitrary
 * strings, JSON of anything, almost-valid policies with random mutations, and every property of any type
 * (numbers, objects, nulls, unknown sentinels, secret wrappers, other Pulumi special objects).
 */

import {
  type PropertyObject,
  type PropertyValue,
  SECRET_SIG_KEY,
  secret,
  UNKNOWN,
} from "@awsamp/plugin/values";
import fc from "fast-check";
import { type Json, WORKSPACE_ID } from "../core/policy/documents";
import { documentModel, render } from "../core/policy/generators";

/** Every form of "not known yet" the engine may send (values.ts keeps the typed ones to itself). */
const UNKNOWN_SENTINELS = [
  UNKNOWN,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

/** The signatures of Pulumi's special objects other than secrets: asset, archive, resource reference, output. */
const OTHER_SPECIAL_SIGS = [
  "c44067f5952c0a294b673a41bacd8c17",
  "0def7320c3a5731c473e5ecbe6d01bc7",
  "5cf8f73096256a8f31e491e813e4eb8e",
  "d0e6a833031e9bbcd3f4e8bde6ca49a4",
];

/** Characters that break JSON where they land. */
const JSON_BREAKERS = ["{", "}", "[", "]", '"', ":", ",", "\\", " ", "\u0000", "\ud800", "x", "1"];

const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: fc.constantFrom(...JSON_BREAKERS), maxLength: 40 }),
  fc.constantFrom("", " ", "ws-", "null", "{}", "[]", '""', "undefined", "NaN", "__proto__"),
  fc.constantFrom(...UNKNOWN_SENTINELS),
);

const jsonValue = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;

/** Any property value: JSON, an unknown, a secret wrapper around anything (nested too), or a special object. */
export const propertyValue: fc.Arbitrary<PropertyValue> = fc.letrec<{ value: PropertyValue }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthSize: "small" },
    jsonValue,
    anyString,
    fc.constantFrom(...UNKNOWN_SENTINELS),
    tie("value").map((inner) => secret(inner)),
    fc.constant({ [SECRET_SIG_KEY]: "1b47061264138c4ac30d75fd1eb44270" }),
    fc
      .tuple(fc.constantFrom(...OTHER_SPECIAL_SIGS), fc.dictionary(fc.string(), tie("value"), { maxKeys: 2 }))
      .map(([sig, fields]) => ({ ...fields, [SECRET_SIG_KEY]: sig })),
    fc.dictionary(fc.string(), tie("value"), { maxKeys: 3 }),
    fc.array(tie("value"), { maxLength: 3 }),
  ),
})).value;

// --- almost-valid policies -------------------------------------------------------------------------------

type JsonContainer = Json[] | { [key: string]: Json };

/** Every place a value sits in a document: its container and its key or index. */
function slotsOf(value: Json): [JsonContainer, string | number][] {
  const slots: [JsonContainer, string | number][] = [];
  const visit = (node: Json) => {
    if (Array.isArray(node)) {
      node.forEach((child, index) => {
        slots.push([node, index]);
        visit(child);
      });
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        slots.push([node, key]);
        visit(child);
      }
    }
  };
  visit(value);
  return slots;
}

function setSlot([container, key]: [JsonContainer, string | number], value: Json): void {
  if (Array.isArray(container)) container[Number(key)] = value;
  else container[String(key)] = value;
}

function deleteSlot([container, key]: [JsonContainer, string | number]): void {
  if (Array.isArray(container)) container.splice(Number(key), 1);
  else delete container[String(key)];
}

/** One way to damage a valid document: on its JSON (`document`) or on its text. */
interface Mutation {
  name: string;
  apply(document: Json, pick: (n: number) => number, noise: Json): string;
}

const MUTATIONS: Mutation[] = [
  {
    name: "replacing a value with a random one",
    apply: (document, pick, noise) => {
      const slots = slotsOf(document);
      const slot = slots[pick(slots.length)];
      if (slot) setSlot(slot, noise);
      return JSON.stringify(document);
    },
  },
  {
    name: "removing a key or element",
    apply: (document, pick) => {
      const slots = slotsOf(document);
      const slot = slots[pick(slots.length)];
      if (slot) deleteSlot(slot);
      return JSON.stringify(document);
    },
  },
  {
    name: "renaming a key",
    apply: (document, pick) => {
      const slots = slotsOf(document).filter(([container]) => !Array.isArray(container));
      const slot = slots[pick(slots.length)];
      if (slot) {
        const [container, key] = slot as [{ [key: string]: Json }, string];
        const value = container[key] ?? null;
        delete container[key];
        container[[key.toLowerCase(), `${key} `, `${key}s`, ""][pick(4)] ?? key] = value;
      }
      return JSON.stringify(document);
    },
  },
  {
    name: "wrapping a value in deep lists",
    apply: (document, pick) => {
      const slots = slotsOf(document);
      const slot = slots[pick(slots.length)];
      if (!slot) return JSON.stringify(document);
      const depth = [2, 50, 2_000][pick(3)] ?? 2;
      const marker = "\u0001deep\u0001";
      setSlot(slot, marker);
      return JSON.stringify(document).replace(`"${marker}"`, `${"[".repeat(depth)}1${"]".repeat(depth)}`);
    },
  },
  {
    name: "truncating the text",
    apply: (document, pick) => {
      const text = JSON.stringify(document);
      return text.slice(0, pick(text.length));
    },
  },
  {
    name: "inserting a character that breaks JSON",
    apply: (document, pick) => {
      const text = JSON.stringify(document);
      const at = pick(text.length + 1);
      return `${text.slice(0, at)}${JSON_BREAKERS[pick(JSON_BREAKERS.length)] ?? ""}${text.slice(at)}`;
    },
  },
  {
    name: "duplicating a key in the text",
    apply: (document) => JSON.stringify(document).replace('"Effect":', '"Effect":"Maybe","Effect":'),
  },
  {
    name: "padding a string to a very long one",
    apply: (document, pick) => {
      const slots = slotsOf(document);
      const slot = slots[pick(slots.length)];
      if (slot) setSlot(slot, "a".repeat(30_000));
      return JSON.stringify(document);
    },
  },
];

/** A valid document's text after one random mutation. */
const almostValidPolicy: fc.Arbitrary<string> = fc
  .record({
    model: documentModel,
    mutation: fc.constantFrom(...MUTATIONS),
    picks: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    noise: jsonValue,
  })
  .map(({ model, mutation, picks, noise }) => {
    let next = 0;
    const pick = (n: number) => (n <= 0 ? 0 : (picks[next++ % picks.length] ?? 0) % n);
    return mutation.apply(render(model) as Json, pick, noise);
  });

const validPolicy: fc.Arbitrary<string> = documentModel.map((model) => JSON.stringify(render(model)));

/** policyDocument: strings of every kind, JSON of anything, damaged and valid policies, or any other type. */
const policyDocumentValue: fc.Arbitrary<PropertyValue> = fc.oneof(
  anyString,
  jsonValue.map((value) => JSON.stringify(value)),
  almostValidPolicy,
  validPolicy,
  propertyValue,
);

const workspaceIdValue: fc.Arbitrary<PropertyValue> = fc.oneof(
  fc.constant(WORKSPACE_ID),
  fc.uuid().map((id) => `ws-${id}`),
  anyString,
  propertyValue,
);

const regionValue: fc.Arbitrary<PropertyValue> = fc.oneof(
  fc.constantFrom("us-east-1", "us-west-2", "eu-central-2", "cn-north-1"),
  anyString,
  propertyValue,
);

const textOrAny: fc.Arbitrary<PropertyValue> = fc.oneof(anyString, propertyValue);

/** Each value may be secret. */
function maybeSecret(value: fc.Arbitrary<PropertyValue>): fc.Arbitrary<PropertyValue> {
  return fc.oneof({ arbitrary: value, weight: 4 }, { arbitrary: value.map((v) => secret(v)), weight: 1 });
}

/** A resource's inputs: any of its properties, each of any type, and now and then keys it does not have. */
export const inputsValue: fc.Arbitrary<PropertyObject> = fc
  .tuple(
    fc.record(
      {
        workspaceId: maybeSecret(workspaceIdValue),
        policyDocument: maybeSecret(policyDocumentValue),
        region: maybeSecret(regionValue),
      },
      { requiredKeys: [] },
    ),
    fc.oneof(
      { arbitrary: fc.constant({}), weight: 4 },
      { arbitrary: fc.dictionary(fc.string(), propertyValue, { maxKeys: 2 }), weight: 1 },
    ),
  )
  .map(([known, extra]) => ({ ...extra, ...known }) as PropertyObject);

/** A resource's state: inputs plus what AWS reported, each of any type. */
export const stateValue: fc.Arbitrary<PropertyObject> = fc
  .tuple(inputsValue, fc.record({ policyStatus: textOrAny, revisionId: textOrAny }, { requiredKeys: [] }))
  .map(([inputs, reported]) => ({ ...inputs, ...reported }) as PropertyObject);

/** Anything that may come in as a string: IDs, URNs. */
export const idValue: fc.Arbitrary<string> = fc.oneof(fc.constant(WORKSPACE_ID), anyString);
