/** Input and state properties as every adapter hands them to the core: what each holds, and whether it was secret. */

/**
 * One property: absent, not known yet (a preview), a string, a list or an object (of fields), or something
 * else (a number or a boolean, by its type).
 */
export type Field =
  | { kind: "absent" }
  | { kind: "unknown"; secret: boolean }
  | { kind: "string"; value: string; secret: boolean }
  | { kind: "list"; items: readonly Field[]; secret: boolean }
  | { kind: "object"; entries: Fields; secret: boolean }
  | { kind: "other"; type: string; value: number | boolean; secret: boolean };

/** A resource's inputs or state, property by property; a key left out is absent. */
export type Fields = Readonly<Record<string, Field>>;

export const ABSENT: Field = { kind: "absent" };

/**
 * How an adapter's values carry what a field records beyond plain JSON. The engine's protocol sends sentinel
 * strings for unknowns and wraps secrets in signature objects; pulumi.dynamic has its own unknown value and
 * hands secrets over unwrapped. Each adapter names its encoding; the translation itself is written once.
 */
export interface ValueEncoding<V> {
  /** The value of an absent field (a map leaves the key out where it can). */
  absent: V;
  /** The value that stands for "not known yet". */
  unknown: V;
  isUnknown(value: unknown): boolean;
  /** The value inside any secret wrappers, and whether there was one. */
  unwrap(value: unknown): { value: unknown; secret: boolean };
  wrap(value: V): V;
}

/** An adapter's property map as fields, leaving out the keys that are the adapter's own. */
export function fieldsFromValues<V>(
  values: Readonly<Record<string, unknown>>,
  encoding: ValueEncoding<V>,
  ownKeys: readonly string[] = [],
): Fields {
  const fields: Record<string, Field> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!ownKeys.includes(key)) fields[key] = fieldFromValue(value, encoding);
  }
  return fields;
}

/** One value as a field: a list's elements and an object's entries become fields too. */
export function fieldFromValue<V>(raw: unknown, encoding: ValueEncoding<V>): Field {
  const { value, secret } = encoding.unwrap(raw);
  if (value === undefined || value === null) return ABSENT;
  if (encoding.isUnknown(value)) return { kind: "unknown", secret };
  if (typeof value === "string") return { kind: "string", value, secret };
  if (typeof value === "number" || typeof value === "boolean") {
    return { kind: "other", type: `a ${typeof value}`, value, secret };
  }
  if (Array.isArray(value)) {
    return { kind: "list", items: value.map((item) => fieldFromValue(item, encoding)), secret };
  }
  const entries = Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key, fieldFromValue(entry, encoding)]),
  );
  return { kind: "object", entries, secret };
}

/** A field (one the core made: a document's JSON text, the access it grants) as an adapter's value. */
export function valueFromField<V>(field: Field, encoding: ValueEncoding<V>): V {
  const plain = ((): V => {
    switch (field.kind) {
      case "absent":
        return encoding.absent;
      case "unknown":
        return encoding.unknown;
      case "string":
      case "other":
        return field.value as V;
      case "list":
        return field.items.map((item) => valueFromField(item, encoding)) as V;
      case "object":
        return Object.fromEntries(
          Object.entries(field.entries).map(([key, entry]) => [key, valueFromField(entry, encoding)]),
        ) as V;
    }
  })();
  return field.kind !== "absent" && field.secret ? encoding.wrap(plain) : plain;
}

/** The field of a key. */
export function fieldOf(fields: Fields, key: string): Field {
  return fields[key] ?? ABSENT;
}

/** The string in a field, or undefined when it holds none. */
export function stringOf(field: Field): string | undefined {
  return field.kind === "string" ? field.value : undefined;
}

/** A known, plain string field. */
export function stringField(value: string, secret = false): Field {
  return { kind: "string", value, secret };
}

/** What a field holds, for a message: "a string", "a list", "a number"… */
export function typeOf(field: Field): string {
  switch (field.kind) {
    case "absent":
      return "nothing";
    case "unknown":
      return "a value not known yet";
    case "string":
      return "a string";
    case "list":
      return "a list";
    case "object":
      return "an object";
    case "other":
      return field.type;
  }
}

/** A JSON value, as a field holds it once known. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The JSON value a field holds (undefined while any part of it is not known yet), and whether any part of
 * it is secret. Absent entries are left out, as JSON.stringify leaves out undefined.
 */
export function jsonOf(field: Field): { value: JsonValue | undefined; secret: boolean } {
  switch (field.kind) {
    case "absent":
      return { value: null, secret: false };
    case "unknown":
      return { value: undefined, secret: field.secret };
    case "string":
    case "other":
      return { value: field.value, secret: field.secret };
    case "list": {
      const items = field.items.map(jsonOf);
      const known = items.every((item) => item.value !== undefined);
      return {
        value: known ? items.map((item) => item.value as JsonValue) : undefined,
        secret: field.secret || items.some((item) => item.secret),
      };
    }
    case "object": {
      const entries = Object.entries(field.entries)
        .filter(([, entry]) => entry.kind !== "absent")
        .map(([key, entry]) => [key, jsonOf(entry)] as const);
      const known = entries.every(([, entry]) => entry.value !== undefined);
      return {
        value: known
          ? Object.fromEntries(entries.map(([key, entry]) => [key, entry.value as JsonValue]))
          : undefined,
        secret: field.secret || entries.some(([, entry]) => entry.secret),
      };
    }
  }
}
