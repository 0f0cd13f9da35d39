// New projects: minimal starter services (a health endpoint, a graceful SIGTERM stop, a test, and the
// manifest and lockfile where the ecosystem can make one offline), so that `docker compose up --wait`
// works right after generation. Pure: which files, from which templates, with which data.
import type { Language } from './discover.ts';
import { InputError } from './errors.ts';

export const STARTER_LANGUAGES: readonly Language[] = ['node', 'go', 'python'];

export interface NewService {
  /** Folder and service name. */
  name: string;
  language: Language;
}

/** The port each starter listens on (its language's usual default). */
export const STARTER_PORTS: Record<Language, number> = { node: 3000, go: 8080, python: 8000 };

const TEMPLATES: Record<Language, string[]> = {
  node: ['package.json', 'package-lock.json', 'server.js', 'test/server.test.js'],
  go: ['go.mod', 'main.go', 'main_test.go'],
  python: ['requirements.txt', 'requirements-dev.txt', 'app.py', 'conftest.py', 'tests/test_app.py'],
};

/** `web:node,api:go,worker:python` -> services; names are folder and compose service names. */
export function parseNewServices(value: string, source: string): NewService[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.length) throw new InputError(source, 'names no service; use name:language pairs such as web:node,api:go');
  const services = list.map((item) => {
    const [name, language, extra] = item.split(':').map((s) => s.trim());
    if (!name || !language || extra !== undefined) throw new InputError(source, `"${item}" is not name:language (for example web:node)`);
    if (!/^[a-z][a-z0-9_-]*$/.test(name))
      throw new InputError(source, `"${name}" is not a service name: lowercase letters, digits, - and _, starting with a letter`);
    if (!STARTER_LANGUAGES.includes(language as Language))
      throw new InputError(source, `"${language}" is not a language; use one of: ${STARTER_LANGUAGES.join(', ')}`);
    return { name, language: language as Language };
  });
  const names = services.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new InputError(source, `names the service "${twice}" twice`);
  return services;
}

/** The files of a starter, relative to its folder, with the template and the data for each. */
export function starterFiles(service: NewService): Array<{ path: string; template: string; data: Record<string, unknown> }> {
  const data = { name: service.name, port: STARTER_PORTS[service.language], module: `example.com/${service.name}` };
  return TEMPLATES[service.language].map((path) => ({ path, template: `app/${service.language}/${path}.ejs`, data }));
}
