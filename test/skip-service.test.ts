// A skipped service's pending files are put back as they were before its generator ran.
import assert from 'node:assert/strict';
import { restoreFiles, snapshotFiles } from '../lib/skip-service.ts';

describe('skipping a service', () => {
  it('undoes the files its generator changed or created in mem-fs, and leaves the others', () => {
    const compose = { path: '/r/compose.yaml', contents: Buffer.from('a'), state: 'modified' };
    const other = { path: '/r/api/Dockerfile', contents: Buffer.from('FROM x'), state: 'modified' };
    const onDisk = { path: '/r/web/package.json', contents: Buffer.from('{}') } as { path: string; contents: Buffer; state?: string };
    const files: Array<{ path: string; contents: Buffer | null; state?: string }> = [compose, other, onDisk];
    const store = { all: () => files };
    const snapshot = snapshotFiles(store);
    // The failing generator edits compose.yaml, writes its .yo-rc.json and marks a read file modified.
    compose.contents = Buffer.from('a+web');
    files.push({ path: '/r/web/.yo-rc.json', contents: Buffer.from('{}'), state: 'modified' });
    onDisk.state = 'modified';
    assert.deepEqual(restoreFiles(store, snapshot).sort(), ['/r/compose.yaml', '/r/web/.yo-rc.json', '/r/web/package.json']);
    assert.equal(compose.contents.toString(), 'a');
    assert.equal(compose.state, 'modified', 'the earlier service keeps its pending compose.yaml');
    assert.equal(files[3].state, undefined, 'the new file is not written');
    assert.equal('state' in onDisk, false);
    assert.equal(other.state, 'modified');
  });
});
