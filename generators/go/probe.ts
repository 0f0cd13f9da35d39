// The healthcheck probe for Go images: distroless static and scratch have no shell, curl or wget, so the
// build stage compiles this tiny static program and the runtime image runs it as its HEALTHCHECK.
// It speaks plain HTTP/1.0 over a TCP socket (no net/http: that would add about 3.8 MB) and exits 0
// when the status is 2xx or 3xx within 2 seconds, else 1. The source has no single quote, so each
// line can be written with printf in a RUN step (BuildKit's older frontends reject heredocs).

export const PROBE_PATH = '/usr/local/bin/healthcheck';

export const PROBE_SOURCE = [
  '// healthcheck URL: exits 0 when http://host:port/path answers 2xx or 3xx within 2 s, else 1.',
  'package main',
  '',
  'import (',
  '\t"bufio"',
  '\t"net"',
  '\t"os"',
  '\t"strings"',
  '\t"time"',
  ')',
  '',
  'func main() {',
  '\thost, path, _ := strings.Cut(strings.TrimPrefix(os.Args[1], "http://"), "/")',
  '\tconn, err := net.DialTimeout("tcp", host, 2*time.Second)',
  '\tif err != nil {',
  '\t\tos.Exit(1)',
  '\t}',
  '\t_ = conn.SetDeadline(time.Now().Add(2 * time.Second))',
  '\t_, _ = conn.Write([]byte("GET /" + path + " HTTP/1.0\\r\\nHost: " + host + "\\r\\nConnection: close\\r\\n\\r\\n"))',
  '\tstatus, err := bufio.NewReader(conn).ReadString(10)',
  '\tif err != nil || !strings.HasPrefix(status, "HTTP/") || len(status) < 12 || (status[9] != 50 && status[9] != 51) {',
  '\t\tos.Exit(1)',
  '\t}',
  '}',
];

/** Flags the probe is built with (also in the README's size figure). */
export const PROBE_BUILD = 'CGO_ENABLED=0 go build -trimpath -ldflags="-s -w"';

/**
 * The RUN step that writes and builds the probe. `goEnv` is put before `go build`, e.g.
 * 'GOOS=$TARGETOS GOARCH=$TARGETARCH ' to cross-compile.
 */
export function probeRun(goEnv: string): string {
  const lines = PROBE_SOURCE.map((l) => `'${l.replace(/\t/g, '    ')}'`);
  return [
    'RUN mkdir -p /tmp/healthcheck /out',
    `&& printf '%s\\n' \\\n      ${lines.join(' \\\n      ')} \\\n      > /tmp/healthcheck/main.go`,
    `&& ${goEnv}${PROBE_BUILD.replace('go build', 'go -C /tmp/healthcheck build')} -o /out/healthcheck main.go`,
  ].join(' \\\n    ');
}

/** grpc_health_probe for gRPC servers that register grpc.health.v1: built from its module, pinned. */
export const GRPC_PROBE = {
  module: 'github.com/grpc-ecosystem/grpc-health-probe',
  version: 'v0.4.63',
  path: '/grpc_health_probe',
  arg: 'GRPC_HEALTH_PROBE_VERSION',
};

/**
 * The command that builds grpc_health_probe: `go install` cannot write a cross-compiled binary to GOBIN, so the
 * module is downloaded (`go mod download MOD@VERSION`, into the module cache) and built in its own folder, static.
 */
export function grpcProbeCommand(goEnv: string): string {
  const mod = `${GRPC_PROBE.module}@\${${GRPC_PROBE.arg}}`;
  return [
    `mkdir -p /out`,
    `GOFLAGS=-mod=mod go mod download "${mod}"`,
    `GOFLAGS=-mod=mod ${goEnv}${PROBE_BUILD.replace('go build', `go -C "$(go env GOMODCACHE)/${mod}" build`)} -o /out/grpc_health_probe .`,
  ].join(' \\\n    && ');
}
