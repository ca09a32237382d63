import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_SYNTAX } from '../../src/domain/commands.js';

describe("the team notification's reminder of the commands", () => {
  // #export and #erase are the admins', on personal-data requests only: #help lists them.
  const everyone = COMMAND_SYNTAX.map((c) => c.split(' ')[0]!).filter((c) => c !== '#export' && c !== '#erase');

  it.each(['fr/agent-notification.hbs', 'fr/agent-notification.txt.hbs', 'en/agent-notification.hbs', 'en/agent-notification.txt.hbs'])('%s names every command an agent may write', (file) => {
    const text = readFileSync(`templates/${file}`, 'utf8');
    const line = text.split('\n').find((l) => l.includes('#resolve'))!;
    for (const command of everyone) expect(line.split(/[\s<]/), command).toContain(command);
  });
});
