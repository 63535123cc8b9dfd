// Command-line arguments: `--name value` (repeatable) and positionals under `_`.

export type Args = Record<string, string[]>;

export function parseArgs(args: string[]): Args {
  const out: Args = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) (out._ ??= []).push(a);
    // a flag (`--dry-run`) takes no value: the next word is another option, or there is none
    else if (i + 1 >= args.length || args[i + 1]!.startsWith('--')) (out[a.slice(2)] ??= []).push('');
    else (out[a.slice(2)] ??= []).push(args[++i]!);
  }
  return out;
}

/** Everything the CLI says about itself goes to stderr, timestamped; stdout is for results. */
export function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString()} causeway: ${msg}\n`);
}
