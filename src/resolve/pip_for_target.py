"""Run the pinned pip with the Lambda target's environment markers, not this interpreter's.

Usage: python pip_for_target.py PIP_HOME MARKERS_JSON PIP_ARGUMENTS...

pip evaluates every environment marker (requirement lines, -r includes, every dependency's
Requires-Dist) through pip._vendor.packaging.markers.default_environment(), which describes the
interpreter running pip. Replacing that one function before pip imports anything else (as pex's
--complete-platform does) makes every marker describe the target instead, and pip's --report
records the environment it used. Requires-Python follows pip's --python-version.
"""

import json
import os
import sys


def use_target_markers(pip_home: str, environment: dict) -> str | None:
    """Import the pinned pip from pip_home and make every marker see `environment`.

    Returns an error message when another pip was imported instead.
    """
    sys.path.insert(0, pip_home)

    import pip
    from pip._vendor.packaging import markers

    if not os.path.abspath(pip.__file__).startswith(os.path.abspath(pip_home) + os.sep):
        return f"the pinned pip in {pip_home} was not imported ({pip.__file__} was)"

    def target_environment() -> dict:
        # A fresh dict each call: Marker.evaluate() updates what it gets with "extra".
        return dict(environment)

    markers.default_environment = target_environment
    return None


def main() -> int:
    pip_home, markers_json = sys.argv[1], sys.argv[2]
    pip_arguments = sys.argv[3:]
    error = use_target_markers(pip_home, json.loads(markers_json))
    if error:
        print(error, file=sys.stderr)
        return 2

    from pip._internal.cli.main import main as pip_main

    sys.argv = ["pip", *pip_arguments]
    return pip_main(pip_arguments)


if __name__ == "__main__":
    code = main()
    # Leave without the interpreter's teardown: finalizing pip's thousands of objects only burns
    # time (about 0.1 s of a 1 s pip run). Both streams are flushed first.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
