import { CATEGORIES, PRIORITIES, type Category, type Priority } from './vocabulary.js';
import { foldText } from './classify.js';
import type { Level } from './ticket.js';

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
  /** One line per problem, in the agent's words: what was written and why it is refused. */
  errors: string[];
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
  const errors: string[] = [];
  while (index < lines.length && (lines[index]!.trim() === '' || lines[index]!.trim().startsWith('#'))) {
    const line = lines[index]!.trim();
    index++;
    if (line === '') continue;
    for (const chunk of line.split(/(?=\s#)/)) {
      const [word = '', ...args] = chunk.trim().split(/\s+/);
      const parsed = parseOne(word.slice(1).toLowerCase(), args.join(' '));
      if (typeof parsed === 'string') errors.push(`${chunk.trim()}: ${parsed}`);
      else commands.push(parsed);
    }
  }
  return { commands, errors, body: lines.slice(index).join('\n').trim() };
}

function parseOne(name: string, arg: string): Command | string {
  const noArgument = (command: Command) => (arg === '' ? command : `#${name} takes no argument`);
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
      if (!match || Number(match[1]) < 1) return 'expected a number of days, such as #hold 15d';
      return { kind: 'hold', days: Number(match[1]) };
    }
    case 'assign':
      return arg === '' ? 'expected an agent, such as #assign camille@example.test' : { kind: 'assign', who: arg };
    case 'level':
      return arg === '1' || arg === '2' || arg === '3' ? { kind: 'level', level: Number(arg) as Level } : 'expected 1, 2 or 3';
    case 'category': {
      const wanted = foldText(arg).replace(/ /g, '_');
      const category = CATEGORIES.find((c) => c === wanted);
      return category ? { kind: 'category', category } : `unknown category; one of ${CATEGORIES.join(', ')}`;
    }
    case 'priority': {
      const priority = PRIORITIES.find((p) => p === arg.toLowerCase());
      return priority ? { kind: 'priority', priority } : `expected ${PRIORITIES.join(', ')}`;
    }
    case 'seller':
      return { kind: 'seller', id: arg === '' ? null : arg };
    case 'seller-contact':
      return noArgument({ kind: 'seller_contact' });
    case 'export':
    case 'erase':
      return { kind: name, address: arg === '' ? null : arg.toLowerCase() };
    default:
      return `unknown command; the commands are ${COMMAND_SYNTAX.join(', ')}`;
  }
}
