import { parseArgs, ParseArgsConfig } from 'node:util';
import { UserError } from '@tenant-waves/control-plane';
import { Io } from './io';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly positionals: string[];
  readonly values: Record<string, string | boolean | string[] | undefined>;
}

/** One `tenant` subcommand. `run` returns the exit code (0 done, 1 failed; usage errors throw UserError → 2). */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Longer help: what it does, each option, and at least one example. */
  readonly help: string;
  readonly options: Options;
  /** The backends it runs on (default: local only). */
  readonly backends?: readonly ('local' | 'aws')[];
  run(args: Parsed, io: Io): Promise<number>;
}

export const GLOBAL_OPTIONS: Options = {
  'help': { type: 'boolean', short: 'h' },
  'json': { type: 'boolean' },
  'state-dir': { type: 'string' },
  'backend': { type: 'string' },
};

export function parseCommandArgs(command: Command, argv: string[]): Parsed {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Parsed['values'], positionals: parsed.positionals };
  } catch (e) {
    throw new UserError('E_USAGE', `${(e as Error).message}\nUsage: ${command.usage}\nSee: tenant ${command.name} --help`);
  }
}

/** The positionals a command takes, by name: too few or too many is a usage error naming what is missing. */
export function positionals(
  command: Command,
  args: Parsed,
  names: readonly string[],
  optional: readonly string[] = [],
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  names.forEach((n, i) => {
    const v = args.positionals[i];
    if (v === undefined) throw new UserError('E_USAGE', `missing ${n}\nUsage: ${command.usage}\nSee: tenant ${command.name} --help`);
    out[n] = v;
  });
  optional.forEach((n, i) => (out[n] = args.positionals[names.length + i]));
  const extra = args.positionals[names.length + optional.length];
  if (extra !== undefined) throw new UserError('E_USAGE', `unexpected argument "${extra}"\nUsage: ${command.usage}\nSee: tenant ${command.name} --help`);
  return out;
}

export const str = (args: Parsed, name: string): string | undefined => args.values[name] as string | undefined;
export const flag = (args: Parsed, name: string): boolean => args.values[name] === true;
