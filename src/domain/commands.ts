import { CATEGORIES, PRIORITIES, type Category, type Priority } from './vocabulary.js';
import { foldText } from './classify.js';
import type { Level } from './ticket.js';
import type { CommandProblem } from './commandProblem.js';

/** What an agent can write at the top of a reply. */
export type Command =
  | { kind: 'resolve' }
  | { kind: 'close' }
  | { kind: 'waiting' }
  | { kind: 'hold'; days: number }
  | { kind: 'note' }
  | { kind: 'assign'; who: string }
  | { kind: 'escalate' }
  | { kind: 'level'; level: Level }
  | { kind: 'category'; category: Category }
  | { kind: 'priority'; priority: Priority }
  | { kind: 'seller'; id: string | null }
  | { kind: 'seller_contact' }
  | { kind: 'resume' }
  | { kind: 'spam' }
  | { kind: 'notspam' }
  | { kind: 'help' }
  /** Admins, on a personal-data request: send the customer their data; ask them to confirm its erasure. */
  | { kind: 'export'; address: string | null }
  | { kind: 'erase'; address: string | null };

export interface ParsedCommands {
  commands: Command[];
  /** One per command refused, with what was written. */
  errors: CommandProblem[];
  /** The rest of the mail: what the customer (or, with #note, the team) receives. */
  body: string;
}

export const COMMAND_SYNTAX = [
  '#resolve',
  '#close',
  '#waiting',
  '#hold 15d',
  '#note',
  '#assign <email or name>',
  '#escalate',
  '#level 1|2|3',
  '#category <name>',
  '#priority low|normal|high|urgent',
  '#seller [seller id]',
  '#seller-contact',
  '#resume',
  '#spam',
  '#notspam',
  '#help',
  '#export',
  '#erase',
];

/**
 * Reads the commands at the very top of an agent's reply: every line, before the
 * first line of text, that starts with `#`. A line may hold several commands
 * (`#resolve #priority low`). Anything after the first other line is text, so a
 * `#` later in the answer is never taken for a command.
 */
export function parseCommands(text: string): ParsedCommands {
  const lines = text.split(/\r?\n/);
  let index = 0;
  const commands: Command[] = [];
  const errors: CommandProblem[] = [];
  while (index < lines.length && (lines[index]!.trim() === '' || lines[index]!.trim().startsWith('#'))) {
    const line = lines[index]!.trim();
    index++;
    if (line === '') continue;
    for (const chunk of line.split(/(?=\s#)/)) {
      const [word = '', ...args] = chunk.trim().split(/\s+/);
      const parsed = parseOne(word.slice(1).toLowerCase(), args.join(' '), chunk.trim());
      if ('code' in parsed) errors.push(parsed);
      else commands.push(parsed);
    }
  }
  return { commands, errors, body: lines.slice(index).join('\n').trim() };
}

function parseOne(name: string, arg: string, written: string): Command | CommandProblem {
  const noArgument = (command: Command): Command | CommandProblem => (arg === '' ? command : { code: 'no_argument', written, command: `#${name}` });
  switch (name) {
    case 'resolve':
    case 'close':
    case 'waiting':
    case 'note':
    case 'escalate':
    case 'resume':
    case 'spam':
    case 'notspam':
    case 'help':
      return noArgument({ kind: name });
    case 'not-spam':
      return noArgument({ kind: 'notspam' });
    case 'hold': {
      const match = /^(\d{1,3})\s*(d|j|days?|jours?)?$/i.exec(arg);
      if (!match || Number(match[1]) < 1) return { code: 'hold_days', written };
      return { kind: 'hold', days: Number(match[1]) };
    }
    case 'assign':
      return arg === '' ? { code: 'assign_who', written } : { kind: 'assign', who: arg };
    case 'level':
      return arg === '1' || arg === '2' || arg === '3' ? { kind: 'level', level: Number(arg) as Level } : { code: 'level_value', written };
    case 'category': {
      const wanted = foldText(arg).replace(/ /g, '_');
      const category = CATEGORIES.find((c) => c === wanted);
      return category ? { kind: 'category', category } : { code: 'unknown_category', written, categories: [...CATEGORIES] };
    }
    case 'priority': {
      const priority = PRIORITIES.find((p) => p === arg.toLowerCase());
      return priority ? { kind: 'priority', priority } : { code: 'priority_value', written, priorities: [...PRIORITIES] };
    }
    case 'seller':
      return { kind: 'seller', id: arg === '' ? null : arg };
    case 'seller-contact':
      return noArgument({ kind: 'seller_contact' });
    case 'export':
    case 'erase':
      return { kind: name, address: arg === '' ? null : arg.toLowerCase() };
    default:
      return { code: 'unknown_command', written, commands: COMMAND_SYNTAX.map((c) => c.split(' ')[0]!) };
  }
}
