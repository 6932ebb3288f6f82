/**
 * `alvares validate <file or directory>`: the configuration file checked as the hub would load it, for a
 * configuration repository's CI and for people before they push. A process entry like main.ts: it loads the
 * module list, so it knows the modules, the providers and which of their settings are secret.
 */
export const USAGE = `usage: alvares validate [--placeholders] <file or directory>

  Checks a configuration file (or a directory of *.yaml/*.yml files, merged in name order).
  Prints each problem as "file:line:column  path  message" and exits 1; prints
  "ok: <n> objects, hash <sha256>" and exits 0 when the configuration is valid.

  --placeholders  every \${NAME} counts as set (CI without the secrets); the hash is then the placeholders'`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

/** Runs one command; answers the exit code: 0 valid, 1 problems, 2 a usage error. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return 0;
  }
  const flags = rest.filter((arg) => arg.startsWith('--'));
  const paths = rest.filter((arg) => !arg.startsWith('--'));
  const unknown = flags.filter((flag) => flag !== '--placeholders');
  if (command !== 'validate' || paths.length !== 1 || unknown.length > 0) {
    if (command !== undefined && command !== 'validate') io.err(`alvares: no command "${command}"`);
    else if (unknown.length > 0) io.err(`alvares: no option ${unknown.join(', ')}`);
    else io.err('alvares validate: name one file or directory');
    io.err(USAGE);
    return 2;
  }
  const env = flags.includes('--placeholders') ? placeholders(io.env) : io.env;
  // Loaded only now: a usage error answers at once instead of after compiling every module.
  const { MODULES } = await import('../modules/index.js');
  const { countObjects, loadConfigPath } = await import('./config-file/load.js');
  const result = await loadConfigPath(paths[0]!, env, { modules: MODULES });
  if (!result.ok) {
    for (const problem of result.problems)
      io.out(
        `${problem.file}:${problem.line}:${problem.column}  ${problem.path.join('.') || '(file)'}  ${problem.message}`,
      );
    return 1;
  }
  io.out(`ok: ${countObjects(result.config.document)} objects, hash ${result.config.hash}`);
  return 0;
}

/** The environment with every other name set to a placeholder: checks the file's shape without its secrets. */
function placeholders(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return new Proxy(env, {
    get: (target, name) =>
      typeof name === 'string' ? (target[name]?.trim() ? target[name] : `placeholder-${name}`) : undefined,
  });
}
