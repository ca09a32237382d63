import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: { name: string }[];
}

/** The rules of .dependency-cruiser.cjs applied to a tree of sources: what they refuse. */
function violations(cwd: string): Violation[] {
  const out = execFileSync(depcruise, ['src', '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

const describeViolation = (v: Violation) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`;

describe('the architecture', () => {
  it('has no import cycle, a domain that imports only the domain and pure libraries, and SQL only in the store', () => {
    expect(violations(root).map(describeViolation)).toEqual([]);
  });

  // The rules themselves, on a small tree that breaks both: a check that cannot fail proves nothing.
  const scratch = mkdtempSync(path.join(tmpdir(), 'guichet-arch-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('refuses a cycle through types, a domain that touches the store or an I/O library, and SQL outside the store', () => {
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      writeFileSync(path.join(scratch, file), text);
    };
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
    write('src/domain/a.ts', "import type { B } from './b.js';\nexport interface A { b: B }\n");
    write('src/domain/b.ts', "import type { A } from './a.js';\nexport interface B { a?: A }\n");
    write('src/domain/c.ts', "import { readFileSync } from 'node:fs';\nimport { rows } from '../store/d.js';\nexport const c = () => [readFileSync, rows];\n");
    write('src/store/d.ts', 'export const rows = 1;\n');
    write('src/app/e.ts', "import { QueryTypes } from 'sequelize';\nexport const e = QueryTypes;\n");
    const found = violations(scratch).map((v) => `${v.rule.name} ${v.from} -> ${v.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'no-cycle src/domain/a.ts -> src/domain/b.ts',
        'domain-is-pure src/domain/c.ts -> fs',
        'domain-is-pure src/domain/c.ts -> src/store/d.ts',
        'sql-lives-in-store src/app/e.ts -> sequelize',
      ]),
    );
  });
});
