import { PYTHON_RUNTIMES } from '../../lib/images.ts';
import type { OptionSpec } from '../../lib/options.ts';

/** The Python generator's options: every prompt has one. The lint matrix is generated from the choices. */
export const PYTHON_OPTIONS: OptionSpec[] = [
  {
    name: 'runtime',
    type: 'string',
    choices: PYTHON_RUNTIMES,
    description: 'Runtime base image',
    defaultText: 'slim',
    prompt: "Runtime base image (slim: the project's own Python; distroless: Debian's Python 3.13, no shell)",
  },
  {
    name: 'port',
    type: 'number',
    description: 'Port the app listens on',
    defaultText: 'detected from the source, else the server default (8000)',
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
    defaultText: 'pyproject.toml name, else app',
    prompt: 'Service name',
  },
  {
    name: 'server',
    type: 'string',
    choices: ['gunicorn', 'uvicorn'],
    description: 'Server for a WSGI/ASGI app (FastAPI on gunicorn uses uvicorn workers)',
    defaultText: 'the one among the dependencies, else gunicorn for WSGI and uvicorn for ASGI',
  },
  {
    name: 'start',
    type: 'string',
    description: 'Production start command, e.g. "gunicorn app:app" (bound to 0.0.0.0 and --port; its module:attribute must exist)',
    defaultText: "the repository's Dockerfile, Procfile, boot script or fly.toml, else detected from the code",
  },
  {
    name: 'package',
    type: 'string',
    description: 'uv workspace member that is the service',
    defaultText: 'the member that depends on a web framework',
  },
];
