"""Run the pinned pip with the Lambda target's environment markers, not this interpreter's.

Usage: python pip_for_target.py PIP_HOME MARKERS_JSON
         [--lambda-layer-check REQUEST RESULT] PIP_ARGUMENTS...

With --lambda-layer-check, every requirement line is first checked with pip's parser
(check_requirements.py); a bad line, or a source build the policy refuses, ends the run with
exit code 3 before pip installs anything, and RESULT says which. The package indexes are checked
once before pip fetches anything (index_check.py): exit code 4 when none answers.

pip evaluates every environment marker (requirement lines, -r includes, every dependency's
Requires-Dist) through pip._vendor.packaging.markers.default_environment(), which describes the
interpreter running pip. Replacing that one function before pip imports anything else (as pex's
--complete-platform does) makes every marker describe the target instead, and pip's --report
records the environment it used. Requires-Python follows pip's --python-version.
"""

import json
import os
import sys

# Exit code when the requirement check stops the run before pip installs anything.
CHECK_FAILED = 3


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


def take_check(arguments: list) -> tuple:
    """Splits off a leading `--lambda-layer-check REQUEST RESULT`: (check or None, the rest)."""
    if arguments[:1] == ["--lambda-layer-check"]:
        return arguments[1:3], arguments[3:]
    return None, arguments


def passes_check(check) -> bool:
    """Every line through pip's own parser first (check_requirements.py, beside this file); in
    this process pip's modules are imported once, for the check and the install."""
    if check is None:
        return True
    import check_requirements

    return check_requirements.check_request(*check)


def prepare(pip_home: str, markers_json: str, check) -> int | None:
    """The pinned pip imported with the target's markers and the lines checked: None to go on,
    else the exit code to end with (shared with download_for_target.py)."""
    error = use_target_markers(pip_home, json.loads(markers_json))
    if error:
        print(error, file=sys.stderr)
        return 2
    if not passes_check(check):
        return CHECK_FAILED
    # Indexes that do not answer are reported once and left out, before pip fetches anything.
    import index_check

    index_check.check_indexes_when_parsed()
    return None


def main() -> int:
    pip_home, markers_json = sys.argv[1], sys.argv[2]
    check, pip_arguments = take_check(sys.argv[3:])
    stop = prepare(pip_home, markers_json, check)
    if stop is not None:
        return stop

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
