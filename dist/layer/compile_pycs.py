"""Compiles a layer's Python sources to bytecode for the interpreter that runs this file.

For each listed source this does what `compileall -f -q --invalidation-mode unchecked-hash
-d DDIR` does (py_compile, the code object named DDIR/<path>, the pyc written atomically into
__pycache__), without compileall's directory walk and its per-file round trip through a
process pool: on the data benchmark those cost a third of its CPU time. The build starts one
of these per core, each with its share of the sources, so the pycs are the same bytes as
compileall's whichever process compiled them.

argv: ROOT DDIR. stdin: one source path per line, relative to ROOT with / separators.
stdout: one JSON line per source that did not compile: {"path": ..., "error": ...}.
"""

import json
import os
import py_compile
import sys


def compile_one(root, ddir, relative):
    """Returns why `relative` did not compile, or None once its pyc is written."""
    try:
        py_compile.compile(
            os.path.join(root, relative),
            dfile=ddir + "/" + relative,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    except py_compile.PyCompileError as error:
        # One line (its msg is a formatted traceback): e.g. "SyntaxError: ... (mod.py, line 3)".
        return f"{error.exc_type_name}: {error.exc_value}"
    except (OSError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def main():
    root, ddir = sys.argv[1], sys.argv[2]
    for line in sys.stdin:
        relative = line.rstrip("\n")
        if not relative:
            continue
        error = compile_one(root, ddir, relative)
        if error is not None:
            print(json.dumps({"path": relative, "error": error}))
    sys.stdout.flush()
    sys.stderr.flush()
    # Nothing to finalize: leave without the interpreter's teardown (its GC of every module).
    os._exit(0)


if __name__ == "__main__":
    main()
