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
