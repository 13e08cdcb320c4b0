import { programSource } from '../programs.js';

/**
 * Arguments that run `python -m MODULE ARGS...` through run_module.py, which leaves without the
 * interpreter's teardown (the file says why). Its text goes through `-c`, so sys.path[0] stays
 * the working directory exactly as with -m.
 */
const runModuleSource = (): string => programSource('resolve/run_module.py');

export function runModuleArgs(module: string, args: readonly string[]): string[] {
  return ['-c', runModuleSource(), module, ...args];
}

/** The same command as a person would type it, for logs: `-m MODULE ARGS...`. */
export function displayModuleArgs(args: readonly string[]): string[] {
  const at = args.indexOf(runModuleSource());
  return at > 0 && args[at - 1] === '-c'
    ? [...args.slice(0, at - 1), '-m', ...args.slice(at + 1)]
    : [...args];
}
