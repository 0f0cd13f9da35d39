// OCI image labels from the project's manifest facts.
export interface LabelFacts {
  title: string;
  description?: string;
  version?: string;
  source?: string;
  licenses?: string;
}

/** `LABEL` instruction lines, values quoted. */
export function ociLabels(facts: LabelFacts): string {
  const entries: Array<[string, string | undefined]> = [
    ['title', facts.title],
    ['description', facts.description],
    ['version', facts.version],
    ['source', facts.source],
    ['licenses', facts.licenses],
  ];
  return labelLines(entries.filter(([, v]) => v).map(([k, v]): [string, string] => [`org.opencontainers.image.${k}`, String(v)]));
}

/** A `LABEL` instruction, one `key="value"` per line (`$` removed: no variable expansion in values). */
export function labelLines(labels: Array<[string, string]>): string {
  const lines = labels.map(([k, v]) => `${k}=${JSON.stringify(v.replace(/\$/g, ''))}`);
  return `LABEL ${lines.join(' \\\n      ')}`;
}
