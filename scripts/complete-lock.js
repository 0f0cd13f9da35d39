// The npm registry reached from these machines lacks some of biome's platform packages, so `npm install`
// leaves them out of package-lock.json and `npm ci` then refuses the lock ("Missing: ... from lock file").
// This adds the missing optional entries with their os/cpu/libc, so npm skips them on other platforms
// without fetching them. Run `node scripts/complete-lock.js` after `npm install` changes the lock.
import fs from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const entry of Object.values(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (packages[key]) continue;
    const m = /-(linux|darwin|win32|android)-(x64|arm64)(-musl)?$/.exec(dep);
    if (!m) throw new Error(`${file}: cannot tell the platform of the optional dependency ${dep}`);
    packages[key] = {
      version,
      cpu: [m[2]],
      ...(entry.dev ? { dev: true } : {}),
      ...(m[3] ? { libc: ['musl'] } : {}),
      optional: true,
      os: [m[1]],
    };
    added++;
  }
}
const sorted = {};
for (const key of Object.keys(packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))) {
  sorted[key] = packages[key];
}
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`${file}: added ${added} missing optional entries`);
