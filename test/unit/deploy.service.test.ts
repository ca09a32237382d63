import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** systemd-analyze verify says what is wrong on standard error and still exits 0: both are read. */
function verify(file: string): { status: number | null; problems: string } {
  const run = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
  if (run.error) throw new Error('systemd-analyze is not installed: run `bash .ci/run` once, or apt-get install systemd');
  return { status: run.status, problems: run.stderr.trim() };
}

describe('the systemd unit in deploy/', () => {
  const unit = path.resolve('deploy/guichet.service');

  it('passes systemd-analyze verify without a warning', () => {
    expect(verify(unit)).toEqual({ status: 0, problems: '' });
  });

  it('runs guichet itself (no npm in between), restarts it on failure and reads secrets from a file', () => {
    const text = readFileSync(unit, 'utf8');
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/guichet\/bin\/guichet\.js --config \/etc\/guichet\/guichet\.yaml start$/m);
    expect(text).toMatch(/^Restart=on-failure$/m);
    expect(text).toMatch(/^EnvironmentFile=-\/etc\/guichet\/guichet\.env$/m);
    expect(text).toMatch(/^User=guichet$/m);
  });

  it('is checked for real: a misspelt key is reported', () => {
    const broken = path.join(mkdtempSync(path.join(tmpdir(), 'guichet-unit-')), 'guichet.service');
    writeFileSync(broken, readFileSync(unit, 'utf8').replace('Restart=on-failure', 'Restartt=on-failure'));
    expect(verify(broken).problems).toContain("Unknown key 'Restartt'");
  });
});
