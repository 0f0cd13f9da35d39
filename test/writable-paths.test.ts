// What an app writes at run time, read from its own code (lib/writable-paths.ts), and the volumes it gets.
import assert from 'node:assert/strict';
import { memoryProject } from '../lib/project.ts';
import { detectWritablePaths, planWritable } from '../lib/writable-paths.ts';

const found = (language: 'python' | 'node', files: Record<string, string>) =>
  detectWritablePaths(memoryProject(files), language).map((w) => `${w.kind} ${w.path}${w.env ? ` $${w.env}` : ''} <- ${w.source}`);

describe('writable paths from the code', () => {
  it('Django: the SQLite NAME and MEDIA_ROOT from BASE_DIR (Path and os.path forms)', () => {
    const settings = [
      'from pathlib import Path',
      'BASE_DIR = Path(__file__).resolve().parent.parent',
      "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': BASE_DIR / 'db.sqlite3'}}",
      "MEDIA_ROOT = BASE_DIR / 'mediafiles'",
    ].join('\n');
    assert.deepEqual(found('python', { 'mysite/settings.py': settings }), [
      'file db.sqlite3 <- mysite/settings.py:3 DATABASES NAME',
      'dir mediafiles <- mysite/settings.py:4 MEDIA_ROOT',
    ]);
    const old = [
      'import os',
      'BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))',
      "DATABASES = {'default': {",
      "    'ENGINE': 'django.db.backends.sqlite3',",
      "    'NAME': os.path.join(BASE_DIR, 'var', 'site.db'),",
      '}}',
      "MEDIA_ROOT = os.path.join(BASE_DIR, 'uploads')",
    ].join('\n');
    assert.deepEqual(found('python', { 'proj/settings.py': old }), [
      'file var/site.db <- proj/settings.py:5 DATABASES NAME',
      'dir uploads <- proj/settings.py:7 MEDIA_ROOT',
    ]);
  });

  it('a Postgres NAME is not a file', () => {
    const settings = "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shop'}}\n";
    assert.deepEqual(found('python', { 'settings.py': settings }), []);
  });

  it('Flask-SQLAlchemy opens a relative sqlite:/// URL in the instance folder; plain SQLAlchemy in the working folder', () => {
    const app = [
      'from flask import Flask',
      'from flask_sqlalchemy import SQLAlchemy',
      'app = Flask(__name__)',
      "app.config['SQLALCHEMY_DATABASE_URI'] = os.environ.get('DATABASE_URL', 'sqlite:///app.db')",
    ].join('\n');
    assert.deepEqual(found('python', { 'app.py': app }), [
      'file instance/app.db $DATABASE_URL <- app.py:4 sqlite URL (Flask instance folder)',
    ]);
    assert.deepEqual(found('python', { 'db.py': "engine = create_engine('sqlite:///data/app.db')\n" }), [
      'file data/app.db <- db.py:1 sqlite URL',
    ]);
    assert.deepEqual(
      found('python', { 'db.py': "engine = create_engine('sqlite:////var/lib/app.db')\nother = 'sqlite:///:memory:'\n" }),
      [],
    );
  });

  it('Python logs, uploads, sqlite3.connect, peewee and created folders; comments and tests are not code', () => {
    const app = [
      "app.config['UPLOAD_FOLDER'] = 'uploads'",
      "handler = RotatingFileHandler('logs/app.log', maxBytes=10000)",
      "# handler = FileHandler('old/app.log')",
      "conn = sqlite3.connect('cache/x.db')",
      "db = SqliteDatabase('var/people.db')",
      "os.makedirs('exports', exist_ok=True)",
    ].join('\n');
    assert.deepEqual(found('python', { 'app.py': app, 'tests/test_app.py': "os.makedirs('scratch')\n" }), [
      'dir uploads <- app.py:1 UPLOAD_FOLDER',
      'file logs/app.log <- app.py:2 FileHandler',
      'file cache/x.db <- app.py:4 sqlite3.connect',
      'file var/people.db <- app.py:5 SqliteDatabase',
      'dir exports <- app.py:6 os.makedirs',
    ]);
  });

  it('Node: better-sqlite3, multer, formidable, knex, sequelize, winston, pino, mkdirSync, sqlite URLs', () => {
    const files = {
      'src/db.js': "const Database = require('better-sqlite3');\nconst db = new Database(process.env.DB_FILE ?? 'data/app.db');\n",
      'src/upload.js':
        "const upload = multer({ dest: 'uploads/' });\nconst form = formidable({ uploadDir: path.join(__dirname, 'tmp-uploads') });\n",
      'knexfile.js': "module.exports = { client: 'sqlite3', connection: { filename: './db/dev.sqlite3' } };\n",
      'src/models.js': "new Sequelize({ dialect: 'sqlite', storage: 'store/app.sqlite' });\n",
      'src/log.js': "new winston.transports.File({ filename: 'logs/error.log' });\npino(pino.destination('logs/app.log'));\n",
      'src/files.js':
        "fs.mkdirSync(path.join(__dirname, '..', 'exports'), { recursive: true });\nconst url = process.env.DATABASE_URL || 'sqlite://./database/main.db';\n",
    };
    assert.deepEqual(found('node', files), [
      'file db/dev.sqlite3 <- knexfile.js:1 knex filename',
      'file data/app.db $DB_FILE <- src/db.js:2 new Database',
      'dir exports <- src/files.js:1 mkdir',
      'file database/main.db $DATABASE_URL <- src/files.js:2 sqlite URL',
      'file logs/error.log <- src/log.js:1 winston File transport',
      'file logs/app.log <- src/log.js:2 pino.destination',
      'file store/app.sqlite <- src/models.js:1 sequelize storage',
      'dir uploads <- src/upload.js:1 multer dest',
      'dir src/tmp-uploads <- src/upload.js:2 formidable uploadDir',
    ]);
  });

  it('paths it cannot follow (absolute, computed, outside the project) are left out', () => {
    const code =
      "fs.mkdirSync('/var/log/app');\nfs.mkdirSync(dir);\nfs.mkdirSync(`${root}/x`);\nfs.mkdirSync(path.join(__dirname, '..', '..', 'up'));\n";
    assert.deepEqual(found('node', { 'src/a.js': code }), []);
  });
});

describe('named volumes for the written paths', () => {
  const at = (path: string, kind: 'file' | 'dir', env?: string) => ({ path, kind, what: 'sqlite', source: `x.py:1 ${path}`, env });

  it('one volume per folder; a folder inside a mounted one shares it', () => {
    const plan = planWritable([at('data/app.db', 'file'), at('data/uploads', 'dir'), at('media', 'dir')], 'web', '/app');
    assert.deepEqual(plan.volumes, [
      { name: 'web-data', target: '/app/data' },
      { name: 'web-media', target: '/app/media' },
    ]);
    assert.deepEqual(plan.folders, ['data', 'media']);
    assert.deepEqual(plan.warnings, []);
    assert.match(plan.facts[1].note ?? '', /named volume web-data at data\//);
  });

  it('a file beside the code moves to data/ through its variable; without one, a warning names the setting (never a volume over /app)', () => {
    const moved = planWritable([at('db.sqlite3', 'file', 'SQLITE_PATH')], 'web', '/app');
    assert.deepEqual(moved.environment, { SQLITE_PATH: '/app/data/db.sqlite3' });
    assert.deepEqual(moved.volumes, [{ name: 'web-data', target: '/app/data' }]);
    const stuck = planWritable([at('db.sqlite3', 'file')], 'web', '/app');
    assert.deepEqual(stuck.environment, {});
    assert.deepEqual(stuck.volumes, [{ name: 'web-data', target: '/app/data' }]);
    assert.match(
      stuck.warnings[0],
      /db\.sqlite3 is written in the app folder \(x\.py:1 db\.sqlite3\).*change that setting to data\/db\.sqlite3/,
    );
    const url = planWritable([{ ...at('app.db', 'file', 'DATABASE_URL'), source: 'a.js:2 sqlite URL' }], 'web', '/app');
    assert.deepEqual(url.environment, { DATABASE_URL: 'sqlite:////app/data/app.db' });
  });
});
