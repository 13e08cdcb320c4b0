"""Imports modules from a layer's python/ directory and reports each result as a JSON line.

Run as `python -I -S -B import_proof.py PYTHON_DIR` (isolated: no environment variables, no
site-packages, no bytecode written into the layer) with the modules on stdin as JSON,
[{"distribution": ..., "module": ...}, ...]. PYTHON_DIR goes first on sys.path, where Lambda's
PYTHONPATH puts /opt/python, ahead of the standard library.

Report lines go to the original stdout: first {"python", "machine", "executable"}, then
{"start": module} before each import and {"module", "ok", "ms", "error"?, "traceback"?, "missing"?,
"stdlib"?} after it: "missing" is the module a ModuleNotFoundError names, "stdlib" whether that is a
standard-library module (one the proof's interpreter lacks, not one the layer lacks).
Everything the imported code prints goes to stderr, so it cannot garble the report; when an
import crashes the interpreter, the last "start" line names the module that did it.
"""

import faulthandler
import json
import os
import platform
import sys
import time
import traceback

report = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)  # C extensions writing to fd 1 land on stderr too
sys.stdout = sys.stderr
faulthandler.enable()  # a segfault prints the Python stack of the import that caused it


def emit(record):
    report.write(json.dumps(record) + "\n")
    report.flush()


def missing_module(error):
    """The module whose absence raised `error`: a ModuleNotFoundError's name, or for an
    ImportError raised while handling one (black's blackd re-raises "aiohttp dependency is not
    installed" from None, which hides the context from the traceback but keeps it), that one's."""
    seen = set()
    while isinstance(error, ImportError) and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, ModuleNotFoundError) and error.name:
            return error.name
        error = error.__cause__ or error.__context__
    return None


python_dir = sys.argv[1]
sys.path.insert(0, python_dir)
emit(
    {
        "python": "%d.%d.%d" % sys.version_info[:3],
        "machine": platform.machine(),
        "executable": sys.executable,
    }
)

for item in json.load(sys.stdin):
    module = item["module"]
    emit({"start": module})
    started = time.perf_counter()
    try:
        __import__(module)
        result = {"module": module, "ok": True}
    except BaseException as error:  # SystemExit or KeyboardInterrupt at import fail it too
        lines = traceback.format_exception(type(error), error, error.__traceback__)
        result = {
            "module": module,
            "ok": False,
            "error": "".join(traceback.format_exception_only(type(error), error)).strip(),
            "traceback": "".join(lines[-12:]),
        }
        missing = missing_module(error)
        if missing:
            result["missing"] = missing
            names = getattr(sys, "stdlib_module_names", None)  # Python 3.10+; unknown on 3.9
            result["stdlib"] = None if names is None else missing.split(".")[0] in names
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    emit(result)

sys.stderr.flush()
report.flush()
# Skip interpreter teardown: finalizing what the imports loaded only costs time (more so under
# emulation), and a module's atexit hook is not what this proves.
os._exit(0)
