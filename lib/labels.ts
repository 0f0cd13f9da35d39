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
  const lines = entries
    .filter(([, v]) => v)
    .map(([k, v]) => `org.opencontainers.image.${k}=${JSON.stringify(String(v).replace(/\$/g, ''))}`);
  return `LABEL ${lines.join(' \\\n      ')}`;
}
