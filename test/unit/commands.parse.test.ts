import { describe, expect, it } from 'vitest';
import { problemText } from '../../src/domain/commandProblem.js';
import { parseCommands } from '../../src/domain/commands.js';

describe('agent commands', () => {
  it('reads commands at the very top, several per line, and keeps the rest as the answer', () => {
    expect(parseCommands('#resolve #priority low\n#category données personnelles\n\nBonjour,\nC\'est fait. #1 priorité')).toEqual({
      commands: [{ kind: 'resolve' }, { kind: 'priority', priority: 'low' }, { kind: 'category', category: 'donnees_personnelles' }],
      errors: [],
      body: "Bonjour,\nC'est fait. #1 priorité",
    });
  });

  it('reads every command with its argument', () => {
    const { commands, errors } = parseCommands('#hold 15d #hold 7 jours #assign Camille #level 2 #escalate #note #waiting #close #help');
    expect(errors).toEqual([]);
    expect(commands).toEqual([
      { kind: 'hold', days: 15 },
      { kind: 'hold', days: 7 },
      { kind: 'assign', who: 'Camille' },
      { kind: 'level', level: 2 },
      { kind: 'escalate' },
      { kind: 'note' },
      { kind: 'waiting' },
      { kind: 'close' },
      { kind: 'help' },
    ]);
  });

  it('says what is wrong with each malformed or unknown command', () => {
    const { errors, commands } = parseCommands('#resolv\n#hold soon #level 4 #priority asap #resolve now\nTexte');
    expect(commands).toEqual([]);
    expect(errors.map((e) => problemText(e, 'en'))).toEqual([
      expect.stringMatching(/^#resolv: unknown command; the commands are #resolve, #close/),
      '#hold soon: expected a number of days, such as #hold 15d',
      '#level 4: expected 1, 2 or 3',
      '#priority asap: expected low, normal, high, urgent',
      '#resolve now: #resolve takes no argument',
    ]);
    // The agent reads them in the team's language.
    expect(errors.map((e) => problemText(e, 'fr'))).toEqual([
      expect.stringMatching(/^#resolv\u00a0: commande inconnue\u00a0; les commandes sont #resolve, #close/),
      '#hold soon\u00a0: il faut un nombre de jours, par exemple #hold 15d',
      '#level 4\u00a0: le niveau est 1, 2 ou 3',
      '#priority asap\u00a0: la priorité est low, normal, high, urgent',
      '#resolve now\u00a0: #resolve ne prend pas d’argument',
    ]);
  });

  it('has a French and an English phrasing for every problem', () => {
    const { errors } = parseCommands('#frobnicate #category meteo #assign');
    for (const problem of errors) {
      expect(problemText(problem, 'fr')).not.toEqual(problemText(problem, 'en'));
      expect(problemText(problem, 'fr')).not.toMatch(/\b(the|expected|unknown)\b/);
    }
  });

  it('finds no command in an ordinary answer', () => {
    expect(parseCommands('Bonjour,\n#1 de nos priorités.')).toEqual({ commands: [], errors: [], body: 'Bonjour,\n#1 de nos priorités.' });
  });
});
