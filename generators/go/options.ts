import { GO_RUNTIMES } from '../../lib/images.ts';
import type { OptionSpec } from '../../lib/options.ts';

export const CGO_CHOICES = ['auto', 'on', 'off'] as const;
export type CgoChoice = (typeof CGO_CHOICES)[number];

/** The Go generator's options: every prompt has one. The lint matrix is generated from the choices. */
export const GO_OPTIONS: OptionSpec[] = [
  {
    name: 'runtime',
    type: 'string',
    choices: GO_RUNTIMES,
    description: 'Runtime base image',
    defaultText: 'distroless (static for a cgo-free binary, base for cgo)',
    prompt: 'Runtime base image (distroless: no shell; scratch: nothing but the binary)',
  },
  {
    name: 'main',
    type: 'string',
    description: 'Main package to build, e.g. ./cmd/api',
    defaultText: 'the only main package that serves; with several, asked (--yes takes the first server)',
  },
  {
    name: 'port',
    type: 'number',
    description: 'Port the service listens on',
    defaultText: 'detected from the source (ListenAndServe, $PORT default), else 8080',
    prompt: 'Port the service listens on',
  },
  {
    name: 'health-path',
    type: 'string',
    description: 'HTTP path the healthcheck probe requests',
    defaultText: 'a /healthz, /health, /livez or /readyz route in the source, else /',
    prompt: 'Healthcheck path',
  },
  {
    name: 'service',
    type: 'string',
    description: 'Service and image name in compose.yaml',
    defaultText: 'the module (or command) name',
    prompt: 'Service name',
  },
  {
    name: 'goprivate',
    type: 'string',
    description: 'GOPRIVATE patterns for private modules (fetched with the netrc build secret)',
    defaultText: 'GOPRIVATE in .envrc or Makefile, else `go env GOPRIVATE`',
  },
  {
    name: 'cgo',
    type: 'string',
    choices: CGO_CHOICES,
    description: 'Build with cgo',
    defaultText: 'auto: on when the module imports "C" or needs a known cgo module',
  },
];
