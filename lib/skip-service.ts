// A service the app generator cannot understand is skipped, not fatal to the run: what its generator
// had put in the in-memory file system (mem-fs) before it failed is put back as it was, so nothing of it
// is written, half or whole.

/** The fields of a mem-fs file that decide whether, and what, is written to disk. */
interface MemFile {
  path: string;
  contents: Buffer | null;
  state?: string;
  isNew?: boolean;
}

interface MemStore {
  all(): MemFile[];
}

type Snapshot = Map<string, Pick<MemFile, 'contents' | 'state' | 'isNew'>>;

/** Every file's pending state and contents, before the service's generator runs. */
export function snapshotFiles(store: MemStore): Snapshot {
  return new Map(store.all().map((f) => [f.path, { contents: f.contents, state: f.state, isNew: f.isNew }]));
}

/** Undo what happened in mem-fs since the snapshot: changed files get their old state, new ones none. */
export function restoreFiles(store: MemStore, snapshot: Snapshot): string[] {
  const undone: string[] = [];
  for (const file of store.all()) {
    const before = snapshot.get(file.path);
    if (before) {
      if (before.contents === file.contents && before.state === file.state) continue;
      Object.assign(file, before);
      if (before.state === undefined) delete file.state;
    } else if (file.state !== undefined) {
      delete file.state;
    } else continue;
    undone.push(file.path);
  }
  return undone;
}
