import assert from 'node:assert/strict';
import { currentLine, resolveVersion } from '../lib/versions.ts';

describe('runtime version resolution', () => {
  it('resolves a Node minimum to the newest LTS, not an end-of-life line', () => {
    const r = resolveVersion('node', '>=20', 'package.json engines.node');
    assert.equal(r.value.tag, '26');
    assert.equal(r.note, 'newest LTS satisfying >=20');
    assert.equal(r.value.warning, undefined);
  });
  it('never picks an odd (non-LTS) Node line', () => {
    assert.equal(resolveVersion('node', '^25 || ^24', 'x').value.tag, '24');
  });
  it('keeps an exact pin and a bare line', () => {
    assert.deepEqual(resolveVersion('node', '22.11.0', '.nvmrc').value, { tag: '22.11.0', line: '22', exact: true, warning: undefined });
    assert.equal(resolveVersion('node', 'v22', '.nvmrc').value.tag, '22');
  });
  it('warns when only an end-of-life line satisfies the range', () => {
    const r = resolveVersion('node', '^18.0.0', 'engines');
    assert.equal(r.value.tag, '18');
    assert.match(r.value.warning ?? '', /end of life/);
  });
  it('rejects what is not a version', () => {
    assert.throws(() => resolveVersion('node', 'banana', '.nvmrc'), /not a version/);
  });
  it('understands PEP 440 specifiers for Python', () => {
    assert.equal(resolveVersion('python', '>=3.10', 'pyproject.toml').value.tag, '3.15');
    assert.equal(resolveVersion('python', '>=3.10,<3.13', 'pyproject.toml').value.tag, '3.12');
    assert.equal(resolveVersion('python', '~=3.11', 'pyproject.toml').value.tag, '3.15');
    assert.equal(resolveVersion('python', '==3.12.*', 'pyproject.toml').value.tag, '3.12');
    assert.equal(resolveVersion('python', '3.12.7', '.python-version').value.tag, '3.12.7');
  });
  it('has a current line per runtime', () => {
    assert.equal(currentLine('node'), '26');
    assert.equal(currentLine('go'), '1.27');
  });
});
