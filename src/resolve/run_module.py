"""Runs `python -m MODULE ARGS...` and then leaves without the interpreter's teardown.

Once the module has returned, finalizing its objects and modules only burns time (0.03 s of a
compileall run; pip runs through pip_for_target.py, which exits the same way). The module runs
exactly as with -m (runpy, __main__, sys.argv), its exit code is kept, and both streams are
flushed before os._exit. An uncaught exception still ends the normal way, with its traceback.

The CLI runs in the user's project directory, and `-c` puts the working directory first on
sys.path: it is taken off before anything else is imported, or a project file named like a
standard module (logging.py, email/) would replace that module in the tool's run.

argv: MODULE ARGS...
"""

import sys

sys.path[:] = [entry for entry in sys.path if entry not in ("", ".")]

import os  # noqa: E402 - only after the working directory left sys.path
import runpy  # noqa: E402

module = sys.argv.pop(1)
try:
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    code = 0
except SystemExit as exit:
    code = exit.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
sys.stdout.flush()
sys.stderr.flush()
os._exit(code or 0)
