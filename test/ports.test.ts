// Ports read from a config file the code reads at run time (lib/ports.ts), and through the Go and Python detectors.
import assert from 'node:assert/strict';
import { detectServe } from '../generators/go/detect.ts';
import { detectPython } from '../generators/python/detect.ts';
import { configFilePort } from '../lib/ports.ts';
import { memoryProject } from '../lib/project.ts';

describe('ports from config files', () => {
  it('takes the server address of a config file whose name the code uses, skipping client and metrics sections', () => {
    const code = [['conf/conf.go', 'path := filepath.Join(prefix, filepath.Join(GetEnv(), "conf.yaml"))']] as const;
    const conf = (address: string) =>
      `kitex:\n  service: "user"\n  address: "${address}"\n  metrics_port: ":9991"\nmysql:\n  port: 3307\nredis:\n  address: "127.0.0.1:6380"\n`;
    const project = memoryProject({
      'conf/dev/conf.yaml': conf(':8881'),
      'conf/online/conf.yaml': conf(':9881'),
      'docker-compose.yaml': 'services:\n  app:\n    port: 1234\n',
    });
    assert.deepEqual(configFilePort(project, code), { port: 8881, source: 'conf/dev/conf.yaml:3 kitex.address' });
    // A server section before the top level and others; TOML too.
    const toml = memoryProject({ 'config.toml': 'port = 9000\n\n[database]\nport = 5433\n\n[http]\nport = 5001\n' });
    assert.deepEqual(configFilePort(toml, [['main.go', 'cleanenv.ReadConfig("config.toml", &cfg)']]), {
      port: 5001,
      source: 'config.toml:7 http.port',
    });
  });

  it('ignores config files the code never names, and ports of other protocols', () => {
    const project = memoryProject({ 'config.yml': 'http:\n  port: 5001\n' });
    assert.equal(configFilePort(project, [['main.go', 'package main']]), undefined);
    const redisOnly = memoryProject({ 'settings.yaml': 'listen: ":6379"\n' });
    assert.equal(configFilePort(redisOnly, [['main.go', 'viper.SetConfigFile("settings.yaml")']]), undefined);
  });

  it('gives a Go service with no port in its source the one in the config file it reads', () => {
    const project = memoryProject({
      'go.mod': 'module example.com/product\n\ngo 1.24\n',
      'main.go': 'package main\n\nimport "os"\n\nfunc main() {\n\tdir, _ := os.Getwd()\n\tload(dir + "/config.yml")\n}\n',
      'config.yml': "app:\n  name: 'product-service'\nhttp:\n  host: '0.0.0.0'\n  port: 5001\n",
    });
    const serve = detectServe(project, '.');
    assert.deepEqual([serve.port.value, serve.port.source], [5001, 'config.yml:5 http.port']);
  });

  it("gives a Python app that runs its own server the config file's port, not a server default", () => {
    const f = detectPython(
      memoryProject({
        'requirements.txt': 'aiohttp\ntrafaret-config\n',
        'polls/__init__.py': '',
        'polls/__main__.py': 'from aiohttp import web\nfrom .main import main\nmain()\n',
        'polls/main.py':
          'import pathlib\nfrom aiohttp import web\nBASE = pathlib.Path(__file__).parent.parent\nCONF = BASE / "config" / "polls.yaml"\ndef main():\n    web.run_app(app)\n',
        'config/polls.yaml': 'postgres:\n  port: 5432\nhost: 127.0.0.1\nport: 8080\n',
      }),
    );
    assert.deepEqual([f.port.value, f.port.source], [8080, 'config/polls.yaml:4 port']);
  });
});
