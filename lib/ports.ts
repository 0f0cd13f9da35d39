import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { type ProjectFiles, walk } from './project.ts';

// Ports that belong to other protocols: a client's address (Redis on 6379, OpenTelemetry on 4317) or
// another listener of the app (MQTT, IRC) found by a loose pattern is never taken for its HTTP port.

/** Well-known ports of databases, brokers, telemetry and non-HTTP protocols, with what uses them. */
export const OTHER_PROTOCOL_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [25, 'SMTP'],
  [443, 'HTTPS (TLS)'],
  [465, 'SMTPS'],
  [587, 'SMTP submission'],
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [1883, 'MQTT'],
  [2181, 'ZooKeeper'],
  [2379, 'etcd'],
  [3306, 'MySQL'],
  [4222, 'NATS'],
  [4317, 'OpenTelemetry gRPC'],
  [4318, 'OpenTelemetry HTTP'],
  [5432, 'PostgreSQL'],
  [5672, 'AMQP'],
  [6379, 'Redis'],
  [6667, 'IRC'],
  [6697, 'IRC over TLS'],
  [8500, 'Consul'],
  [8883, 'MQTT over TLS'],
  [9042, 'Cassandra'],
  [9092, 'Kafka'],
  [9200, 'Elasticsearch'],
  [11211, 'Memcached'],
  [27017, 'MongoDB'],
  [65535, 'the highest port (a range bound)'],
]);

/** A port a loose pattern found that is another protocol's, so the search goes on. */
export const isOtherProtocolPort = (port: number) => OTHER_PROTOCOL_PORTS.has(port);

/** The config formats a service reads its listen address from, by file extension. */
const CONFIG_FILE = /\.(?:ya?ml|toml|json)$/;
/** Files that are not the app's run-time config (tooling, manifests, CI, deployment, compose). */
const NOT_CONFIG =
  /(?:^|\/)(?:package(?:-lock)?\.json|tsconfig[\w.-]*\.json|composer\.json|\.?(?:docker-)?compose[\w.-]*\.ya?ml|pnpm-[\w.-]+\.yaml|[\w.-]*lock[\w.-]*|(?:k8s|kubernetes|deploy|deployments?|helm|charts?|manifests|testdata|tests?|docs?|examples?|\.github)\/.*)$/;
/** Sections that hold another server's or a client's settings (a database, a broker, metrics). */
const OTHER_SECTION =
  /^(?:db|database|databases|sql|mysql|mariadb|postgres(?:ql)?|pg|redis|cache|mongo(?:db)?|rabbit(?:mq)?|amqp|kafka|nats|broker|queue|smtp|mail|email|metrics?|prometheus|pprof|debug|telemetry|otel|tracing|jaeger|consul|etcd|registry|nacos|grpc_?client|client)$/i;
/** Sections of the server itself, most likely first; anything else (and the top level) after them. */
const SERVER_SECTIONS = ['http', 'server', 'web', 'api', 'app', 'hertz', 'gin', 'echo', 'fiber', 'rest', 'service'];

/** A listen port a config mapping holds: `port: 5001`, `address: ":8881"`, `listen: "0.0.0.0:8080"`, at most two levels down. */
function portInConfig(doc: unknown, path: string[] = []): Array<{ port: number; key: string[] }> {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || path.length > 2) return [];
  const found: Array<{ port: number; key: string[] }> = [];
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const at = [...path, key];
    if (value && typeof value === 'object') {
      if (!OTHER_SECTION.test(key)) found.push(...portInConfig(value, at));
      continue;
    }
    let port: number | undefined;
    if (/^(?:port|http_?port|listen_?port|server_?port)$/i.test(key) && /^\d{2,5}$/.test(String(value))) port = Number(value);
    const addr = /^(?:address|addr|listen|listen_?addr(?:ess)?|bind|http_?addr(?:ess)?)$/i.test(key)
      ? /^(?:[\w.-]*|\[[\w:]*\]):(\d{2,5})$/.exec(String(value))
      : null;
    if (addr) port = Number(addr[1]);
    if (port && port <= 65535 && !isOtherProtocolPort(port)) found.push({ port, key: at });
  }
  return found;
}

/**
 * A listen port in a config file the service's code reads at run time: the file's name is a string in the
 * code (`filepath.Join(env, "conf.yaml")`, `dir+"/config.yml"`, `"config/polls.yaml"`) and the file holds a
 * server address (`kitex.address: ":8881"`, `http.port: 5001`). Of files in environment folders
 * (conf/dev/conf.yaml, conf/test/conf.yaml) the first in name order. Pure over the files.
 */
export function configFilePort(
  project: ProjectFiles,
  code: ReadonlyArray<readonly [string, string]>,
): { port: number; source: string } | undefined {
  const files = walk(project, [''], (p) => CONFIG_FILE.test(p) && !NOT_CONFIG.test(p) && p.split('/').length <= 4, 300);
  const named = (file: string) => {
    const base = file.split('/').pop() ?? file;
    const quoted = new RegExp(`["'\`/]${base.replace(/[.]/g, '\\.')}["'\`]`);
    return code.some(([, text]) => quoted.test(text));
  };
  for (const file of files.filter(named).sort()) {
    const text = project.read(file);
    if (!text || text.length > 100_000) continue;
    let doc: unknown;
    try {
      doc = file.endsWith('.toml') ? parseToml(text) : file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch {
      continue; // not the app's config after all
    }
    const ports = portInConfig(doc);
    const rank = (key: string[]) => {
      const i = key.length > 1 ? SERVER_SECTIONS.indexOf(key[0].toLowerCase()) : -1;
      return i === -1 ? SERVER_SECTIONS.length : i;
    };
    const best = ports.sort((a, b) => rank(a.key) - rank(b.key))[0];
    if (!best) continue;
    // The key's line: each part of its path after the line of the part before (`http:` then `port:`).
    const lines = text.split('\n');
    let line = -1;
    for (const [i, part] of best.key.entries()) {
      const name = part.replace(/\W/g, '\\$&');
      // A top-level key starts its line (YAML, TOML); JSON and nested keys are indented.
      const indent = i > 0 || file.endsWith('.json') ? '\\s*' : '';
      const keyLine = new RegExp(`^${indent}["']?${name}["']?\\s*[:=]|^\\[${name}\\]`);
      const at = lines.findIndex((l, n) => n > line && keyLine.test(l));
      if (at === -1) break;
      line = at;
    }
    line += 1;
    return { port: best.port, source: `${file}${line ? `:${line}` : ''} ${best.key.join('.')}` };
  }
  return undefined;
}
