// .dockerignore content: what every image should keep out, plus the language's own entries,
// minus anything the Dockerfile copies from the build context.
import { posix } from 'node:path';

export interface IgnoreGroup {
  comment: string;
  entries: string[];
}

/** Kept out of every build context: history, secrets and keys, the Docker files themselves. */
export const COMMON_IGNORES: IgnoreGroup[] = [
  {
    comment: 'Version control and editors',
    entries: ['.git', '.gitignore', '.gitattributes', '.hg', '.svn', '.vscode', '.idea', '*.swp', '.DS_Store'],
  },
  {
    comment: 'Secrets and keys: pass them with --secret (build) or compose secrets (runtime), never in the context',
    // `**/`: Docker anchors patterns at the context root; these must also match in every subfolder.
    entries: [
      '**/.env',
      '**/.env.*',
      '**/*.env',
      'secrets',
      '**/*.pem',
      '**/*.key',
      '**/*.p12',
      '**/*.pfx',
      '**/id_rsa*',
      '**/id_ed25519*',
      '**/.netrc',
      '**/.aws',
      '**/.ssh',
    ],
  },
  {
    comment: 'Docker files: changing them must not invalidate the build cache',
    entries: [
      'Dockerfile*',
      '.dockerignore',
      'compose*.yaml',
      'compose*.yml',
      'docker-compose*.yaml',
      'docker-compose*.yml',
      'README.Docker.md',
      '.yo-rc.json',
    ],
  },
  { comment: 'Logs and temporary files', entries: ['*.log', 'logs', 'tmp', '.tmp'] },
];

/** Drop entries that would exclude a path the Dockerfile copies. */
export function keepCopied(groups: IgnoreGroup[], copied: string[]): IgnoreGroup[] {
  // Docker's matching: `*` and `?` stay within a folder, a leading or inner `**/` spans any folders.
  const glob = (part: string) =>
    part
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]');
  const excludes = (pattern: string, path: string) => new RegExp(`^${pattern.split('**/').map(glob).join('(?:.*/)?')}(/.*)?$`).test(path);
  return groups
    .map((g) => ({ ...g, entries: g.entries.filter((e) => !copied.some((path) => excludes(e, path))) }))
    .filter((g) => g.entries.length > 0);
}

// The same entries for a build context that holds several projects (a workspace root): names match in
// every folder (`node_modules` -> `**/node_modules`). The compose secrets folder stays at the root.
export function everywhere(groups: IgnoreGroup[]): IgnoreGroup[] {
  const anywhere = (entry: string) => (entry.includes('/') || entry === 'secrets' ? entry : `**/${entry}`);
  return groups.map((g) => ({ ...g, entries: g.entries.map(anywhere) }));
}

/**
 * Workspace members a service does not need: everything in their folders stays out of its build context
 * but the manifests the dependency install reads (`dir/**`, then `!dir/<manifest>`), so an edit there
 * leaves the service's build cached.
 */
export function manifestsOnly(comment: string, dirs: string[], manifests: string[]): IgnoreGroup[] {
  if (!dirs.length) return [];
  return [{ comment, entries: dirs.flatMap((dir) => [`${dir}/**`, ...manifests.map((m) => `!${dir}/${m}`)]) }];
}

/**
 * The ignore file BuildKit uses for a build: `<Dockerfile>.dockerignore` beside the Dockerfile when there is
 * one, else the context's `.dockerignore`; undefined when neither exists.
 */
export function ignoreFileOf(dockerfile: string, context: string, exists: (path: string) => boolean): string | undefined {
  return [`${dockerfile}.dockerignore`, posix.join(context, '.dockerignore')].find(exists);
}
