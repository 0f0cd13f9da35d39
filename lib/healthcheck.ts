// HTTP health probes that work without a shell or curl, so they run on distroless images too.

export interface Healthcheck {
  /** Exec form: ['CMD', program, ...args]. */
  test: string[];
  interval: string;
  timeout: string;
  startPeriod: string;
  retries: number;
}

const TIMING = { interval: '10s', timeout: '3s', startPeriod: '20s', retries: 3 };

const url = (port: number, path: string) => `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`;

/** Node's built-in fetch (Node >= 18): exit 0 on a 2xx/3xx answer, 1 otherwise. */
export function nodeProbe(nodeBin: string, port: number, path: string): Healthcheck {
  const script = `fetch('${url(port, path)}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  return { test: ['CMD', nodeBin, '-e', script], ...TIMING };
}

/** Python's urllib: no requests, no curl. */
export function pythonProbe(pythonBin: string, port: number, path: string): Healthcheck {
  const script = `import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('${url(port, path)}', timeout=2).status < 400 else 1)`;
  return { test: ['CMD', pythonBin, '-c', script], ...TIMING };
}

/** curl, exec form: the NGINX images (Debian and Alpine) ship it, so no shell is needed. */
export function curlProbe(port: number, path: string): Healthcheck {
  return { test: ['CMD', 'curl', '--fail', '--silent', '--output', '/dev/null', '--max-time', '2', url(port, path)], ...TIMING };
}

/** A static probe binary copied into the image (Go: distroless static and scratch have nothing else). */
export function binaryProbe(probeBin: string, port: number, path: string): Healthcheck {
  return { test: ['CMD', probeBin, url(port, path)], ...TIMING };
}

/** grpc_health_probe (grpc.health.v1 Check), a static binary: exec form, no shell. */
export function grpcProbe(probeBin: string, port: number): Healthcheck {
  return { test: ['CMD', probeBin, `-addr=127.0.0.1:${port}`], ...TIMING };
}

/** A worker's own check (no port): a command that exits 0 while it works, e.g. `celery inspect ping`; checked less often than an HTTP probe (the
 * command starts an interpreter each time). */
export function commandProbe(command: string[]): Healthcheck {
  return { test: ['CMD', ...command], interval: '15s', timeout: '10s', startPeriod: '30s', retries: 3 };
}

/** The Dockerfile HEALTHCHECK instruction, exec form. */
export function dockerfileHealthcheck(h: Healthcheck): string {
  return `HEALTHCHECK --interval=${h.interval} --timeout=${h.timeout} --start-period=${h.startPeriod} --retries=${h.retries} \\\n    CMD ${execForm(h.test.slice(1))}`;
}

/** The same check for compose.yaml. */
export function composeHealthcheck(h: Healthcheck) {
  return { test: h.test, interval: h.interval, timeout: h.timeout, start_period: h.startPeriod, retries: h.retries };
}

/** JSON array form of a command, as Dockerfile exec form expects. */
export const execForm = (args: string[]) => JSON.stringify(args).replace(/","/g, '", "');
