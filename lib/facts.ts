// A fact is a value the generator decided on, with where it came from, so users can check it.
export interface Fact<T> {
  value: T;
  /** Where the value came from: a file (with line), an option, or why it is a default. */
  source: string;
  /** Extra explanation printed after the source, e.g. how a range was resolved. */
  note?: string;
}

export const fact = <T>(value: T, source: string, note?: string): Fact<T> => ({ value, source, note });

export interface FactLine {
  label: string;
  value: string;
  source: string;
  note?: string;
}

/** Lines such as `node 22 <- .nvmrc (newest LTS satisfying >=20)`. */
export function formatFacts(lines: FactLine[]): string[] {
  return lines.map((l) => {
    const head = l.label ? `${l.label} ${l.value}` : l.value;
    return `${head} <- ${l.source}${l.note ? ` (${l.note})` : ''}`;
  });
}
