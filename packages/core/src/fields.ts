/** Input and state properties as every adapter hands them to the core: what each holds, and whether it was secret. */

/**
 * One top-level property: absent, not known yet (a preview), a string, a list (of fields), or something
 * else (by its type).
 */
export type Field =
  | { kind: "absent" }
  | { kind: "unknown"; secret: boolean }
  | { kind: "string"; value: string; secret: boolean }
  | { kind: "list"; items: readonly Field[]; secret: boolean }
  | { kind: "other"; type: string; secret: boolean };

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
    case "other":
      return field.type;
  }
}
