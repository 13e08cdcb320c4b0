/**
 * Arguments that run `python -m MODULE ARGS...` and then leave without the interpreter's
 * teardown. Once pip has returned, finalizing its thousands of objects and modules only burns
 * time: about 0.1 s of a 1 s pip run here (0.03 s for compileall). The module runs exactly as
 * with -m (runpy, __main__, sys.argv), its exit code is kept, and both streams are flushed
 * before os._exit. An uncaught exception still ends the normal way, with its traceback.
 */
const RUN_MODULE_THEN_EXIT = [
  'import os, runpy, sys',
  'module = sys.argv.pop(1)',
  'try:',
  '    runpy.run_module(module, run_name="__main__", alter_sys=True)',
  '    code = 0',
  'except SystemExit as exit:',
  '    code = exit.code',
  '    if code is not None and not isinstance(code, int):',
  '        print(code, file=sys.stderr)',
  '        code = 1',
  'sys.stdout.flush()',
  'sys.stderr.flush()',
  'os._exit(code or 0)',
].join('\n');

export function runModuleArgs(module: string, args: readonly string[]): string[] {
  return ['-c', RUN_MODULE_THEN_EXIT, module, ...args];
}

/** The same command as a person would type it, for logs: `-m MODULE ARGS...`. */
export function displayModuleArgs(args: readonly string[]): string[] {
  const at = args.indexOf(RUN_MODULE_THEN_EXIT);
  return at > 0 && args[at - 1] === '-c'
    ? [...args.slice(0, at - 1), '-m', ...args.slice(at + 1)]
    : [...args];
}
