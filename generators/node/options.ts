import { NODE_RUNTIMES } from '../../lib/images.ts';
import type { OptionSpec } from '../../lib/options.ts';

/** The Node generator's options: every prompt has one. The lint matrix is generated from the choices. */
export const NODE_OPTIONS: OptionSpec[] = [
  {
    name: 'runtime',
    type: 'string',
    choices: NODE_RUNTIMES,
    description: 'Runtime base image',
    defaultText: 'distroless',
    prompt: 'Runtime base image (distroless: no shell, smallest attack surface)',
  },
  {
    name: 'port',
    type: 'number',
    description: 'Port the app listens on',
    defaultText: 'detected from the source, else the framework default',
    prompt: 'Port the app listens on',
  },
  {
    name: 'health-path',
    type: 'string',
    description: 'HTTP path the healthcheck requests',
    defaultText: 'a /healthz or /health route in the source, else /',
    prompt: 'Healthcheck path',
  },
  {
    name: 'service',
    type: 'string',
    description: 'Service and image name in compose.yaml',
    defaultText: 'package.json name',
    prompt: 'Service name',
  },
  {
    name: 'start',
    type: 'string',
    description: 'Production start command, e.g. "node dist/main.js"',
    defaultText: 'the first of scripts.start, main, bin, conventional entry files that names a file in the tree',
  },
];
