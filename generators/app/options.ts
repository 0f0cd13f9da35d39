import { BACKING_KINDS } from '../../lib/backing.ts';
import type { OptionSpec } from '../../lib/options.ts';
import { STARTER_LANGUAGES } from '../../lib/starters.ts';
import { GO_OPTIONS } from '../go/options.ts';
import { NODE_OPTIONS } from '../node/options.ts';
import { PYTHON_OPTIONS } from '../python/options.ts';

/** What `--yes` creates in an empty folder when --new is not given. */
export const DEFAULT_NEW = 'web:node';

/** The app generator's options. */
export const APP_OPTIONS: OptionSpec[] = [
  { name: 'yes', alias: 'y', type: 'boolean', description: 'Take every service found and every detected answer', defaultText: 'false' },
  { name: 'force', type: 'boolean', description: 'Overwrite differing files without asking', defaultText: 'false' },
  { name: 'check', type: 'boolean', description: 'Write nothing; exit 1 with a diff if a generated file drifted', defaultText: 'false' },
  {
    name: 'preset',
    type: 'string',
    description: 'Team preset for every service: a JSON file or an npm package',
    defaultText: 'the preset saved in .yo-rc.json, else none',
  },
  {
    name: 'new',
    type: 'string',
    description: `Create starter services first, name:language pairs (${STARTER_LANGUAGES.join(', ')}), e.g. web:node,api:go,worker:python`,
    defaultText: `asked in an empty folder; ${DEFAULT_NEW} with --yes`,
  },
  {
    name: 'backing',
    type: 'string',
    description: `Backing services for every app service, comma-separated (${BACKING_KINDS.join(', ')}) or none`,
    defaultText: 'the saved answer, else none',
  },
];

/** Options of the service generators: given to the app generator, the error says where they belong. */
export const SERVICE_ONLY_OPTIONS = new Set(
  [...NODE_OPTIONS, ...PYTHON_OPTIONS, ...GO_OPTIONS]
    .map((spec) => spec.name)
    .filter((name) => !APP_OPTIONS.some((spec) => spec.name === name)),
);
