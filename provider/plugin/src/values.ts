/** Property values as the engine sends them: JSON with unknown sentinels and secret wrappers. */
import {
  type Field,
  type Fields,
  fieldFromValue,
  fieldsFromValues,
  type ValueEncoding,
  valueFromField,
} from "@awsamp/core/fields";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** A property value once decoded from a protobuf Struct: plain JSON. */
export type PropertyValue = null | boolean | number | string | PropertyValue[] | PropertyObject;

/** A property map: a resource's inputs, its state, or the provider's configuration. */
export interface PropertyObject {
  [key: string]: PropertyValue;
}

/** What the engine sends for a value not known yet (preview of a resource whose inputs are outputs of another). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The typed forms of unknown the engine may send; any of them means "not known yet". */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  UNKNOWN,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** The key and value that mark an object as a secret wrapper: `{[SECRET_SIG_KEY]: SECRET_SIG, value}`. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** One top-level property as a handler sees it: the core's own words. */
export type { Field } from "@awsamp/core/fields";
export { stringOf } from "@awsamp/core/fields";

/** Decodes a Struct from a request; an absent Struct is an empty map. */
export function fromStruct(struct: Struct | undefined): PropertyObject {
  // toJavaScript yields exactly JSON values (null, booleans, numbers, strings, arrays, objects).
  return (struct?.toJavaScript() ?? {}) as PropertyObject;
}

/** Encodes a property map as a Struct for a response. */
export function toStruct(properties: PropertyObject): Struct {
  return Struct.fromJavaScript(properties);
}

/** True for the engine's unknown sentinels. */
export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** True for a secret wrapper. */
export function isSecret(value: PropertyValue | undefined): value is PropertyObject {
  return isObject(value) && value[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Wraps a value so the engine keeps it secret. */
export function secret(value: PropertyValue): PropertyObject {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/** The value inside any secret wrappers. */
export function unwrapSecret(value: PropertyValue): PropertyValue {
  let inner = value;
  while (isSecret(inner)) inner = inner.value ?? null;
  return inner;
}

/** The engine's encoding: sentinel strings for unknowns, signature objects around secrets. */
export const ENGINE_VALUES: ValueEncoding<PropertyValue> = {
  absent: null,
  unknown: UNKNOWN,
  isUnknown,
  unwrap: (value) => ({
    value: unwrapSecret(value as PropertyValue),
    secret: isSecret(value as PropertyValue),
  }),
  wrap: secret,
};

/** A property map as the core's fields. */
export function fieldsOf(properties: PropertyObject): Fields {
  return fieldsFromValues(properties, ENGINE_VALUES);
}

/** Reads one top-level property: absent, unknown, a string, or something else (reported by its type). */
export function readField(properties: PropertyObject, key: string): Field {
  if (!Object.hasOwn(properties, key)) return { kind: "absent" };
  return fieldFromValue(properties[key], ENGINE_VALUES);
}

/** A field the core made (a document's JSON text, the access map) as the engine's value. */
export function valueOfField(field: Field): PropertyValue {
  return valueFromField(field, ENGINE_VALUES);
}

/** Wraps the named properties of a map as secrets (those that are present and not already wrapped). */
export function withSecrets(properties: PropertyObject, secretKeys: Iterable<string>): PropertyObject {
  const out: PropertyObject = { ...properties };
  for (const key of secretKeys) {
    const value = out[key];
    if (value !== undefined && !isSecret(value)) out[key] = secret(value);
  }
  return out;
}

/** The keys whose values are secret wrappers. */
export function secretKeysOf(properties: PropertyObject): string[] {
  return Object.keys(properties).filter((key) => isSecret(properties[key]));
}

function isObject(value: PropertyValue | undefined): value is PropertyObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
