/** Go `flag`-style parsing as fortio uses it: `-c 2`, `-c=2`, `--c 2`, bools as `-quiet`. */

export interface FlagSpec {
  /** Flags taking a value; repeated ones (like -H) keep every value. */
  readonly values: readonly string[];
  readonly bools: readonly string[];
}

export interface ParsedFlags {
  readonly values: ReadonlyMap<string, string[]>;
  /** Boolean flags given, with their value (`-keepalive=false` → false). */
  readonly bools: ReadonlyMap<string, boolean>;
  readonly rest: readonly string[];
}

export class FlagError extends Error {}

export function parseFlags(args: readonly string[], spec: FlagSpec): ParsedFlags {
  const values = new Map<string, string[]>();
  const bools = new Map<string, boolean>();
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (spec.values.includes(name)) {
      let value: string | undefined;
      if (eq >= 0) value = body.slice(eq + 1);
      else {
        value = args[i + 1];
        i++;
      }
      if (value === undefined) throw new FlagError(`flag needs an argument: -${name}`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else if (spec.bools.includes(name)) {
      const value = eq >= 0 ? body.slice(eq + 1).toLowerCase() : 'true';
      if (!['true', 'false', '1', '0', 't', 'f'].includes(value)) throw new FlagError(`invalid boolean value "${value}" for -${name}`);
      bools.set(name, ['true', '1', 't'].includes(value));
    } else {
      throw new FlagError(`flag provided but not defined: -${name}`);
    }
  }
  return { values, bools, rest: args.slice(i) };
}

export function lastValue(flags: ParsedFlags, name: string): string | undefined {
  const all = flags.values.get(name);
  return all?.[all.length - 1];
}
