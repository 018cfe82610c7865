/** Policy documents: how the core compares two of them. */

/** True when two policy documents mean the same; documents that are not JSON compare as text. */
export function equivalent(a: string, b: string): boolean {
  try {
    return structurallyEqual(JSON.parse(a), JSON.parse(b));
  } catch {
    return a === b;
  }
}

function structurallyEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => structurallyEqual(x, b[i]))
    );
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const ob = b as Record<string, unknown>;
    return (
      ka.length === kb.length &&
      ka.every((k) => k in ob && structurallyEqual((a as Record<string, unknown>)[k], ob[k]))
    );
  }
  return a === b;
}
