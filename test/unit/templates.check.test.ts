import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTemplates } from '../../src/templates/check.js';

/** A copy of the shipped templates, to break one file at a time. */
function copy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'guichet-check-'));
  cpSync(path.resolve('templates'), dir, { recursive: true });
  return dir;
}

describe('guichet templates check', () => {
  it('passes the shipped templates: every mail in French and English, rendered strictly, each subject with its reference', () => {
    const report = checkTemplates(path.resolve('templates'), 'fr', 'Europe/Paris');
    expect(report.problems).toEqual([]);
    expect(report.checked).toBe(66);
  });

  it('names file, line and column of an unknown variable, an unclosed block and a missing partial', () => {
    const dir = copy();
    writeFileSync(path.join(dir, 'fr/closed.hbs'), '---\nsubject: "[{{reference}}] Close"\n---\n<p>Bonjour</p>\n<p>{{custmerName}}</p>\n');
    writeFileSync(path.join(dir, 'fr/resolved.hbs'), '---\nsubject: "[{{reference}}] Résolu"\n---\n<p>\n{{#if text}}{{text}}\n</p>\n');
    writeFileSync(path.join(dir, 'en/closed.hbs'), '---\nsubject: "[{{reference}}] Closed"\n---\n<p>Hello</p>\n{{> signatur}}\n');
    const { problems } = checkTemplates(dir, 'fr', 'Europe/Paris');
    expect(problems).toEqual(
      expect.arrayContaining([
        `${path.join(dir, 'fr/closed.hbs')}:5:6: "custmerName" not defined`,
        expect.stringMatching(new RegExp(`^${escape(path.join(dir, 'fr/resolved.hbs'))}:\\d+:1: Parse error on line \\d+:`)),
        `${path.join(dir, 'en/closed.hbs')}:5:1: The partial signatur could not be found`,
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('finds a subject without the reference tag, and a mail present in one locale only', () => {
    const dir = copy();
    writeFileSync(path.join(dir, 'en/closed.hbs'), '---\nsubject: "Your request is closed"\n---\n<p>Hello</p>\n');
    writeFileSync(path.join(dir, 'fr/greeting.hbs'), '---\nsubject: "[{{reference}}] Rouverte"\n---\n<p>Bonjour</p>\n');
    const { problems } = checkTemplates(dir, 'fr', 'Europe/Paris');
    expect(problems).toEqual([
      `${path.join(dir, 'fr/greeting.hbs')}:1:1: this mail has no en version (${path.join(dir, 'en/greeting.hbs')} is missing)`,
      expect.stringContaining(`${path.join(dir, 'fr/greeting.hbs')}:1:1: guichet sends no mail called "greeting"`),
      `${path.join(dir, 'en/closed.hbs')}:2:1: the subject does not carry the reference tag: start it with "[{{reference}}]"`,
    ]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
