"""Resolve and download the layer's wheels with the pinned pip, for the Lambda target.

Usage: python download_for_target.py PIP_HOME MARKERS_JSON PLAN_PATH REPORT_PATH
         [--lambda-layer-check REQUEST RESULT] PIP_ARGS...

Runs `pip download` (with every marker evaluated for the target, as pip_for_target.py does) and
then writes PLAN_PATH: one entry per downloaded wheel in the order `pip install` would install
them (the resolver's installation order, which decides who wins when two wheels ship the same
path), each with what pip install would record about it: whether it was requested (REQUESTED)
and, for a direct URL requirement, its direct_url.json text. REPORT_PATH receives what
`pip install --report` would have written for the same resolution (the installed packages'
metadata, download URLs and hashes, the marker environment). `pip download` has no --report, and
`pip install --dry-run --report` keeps no files: this is the one run that gives both.
"""

import json
import os
import sys

from pip_for_target import prepare, take_check


def describe(resolver, requirement_set, installation_report) -> tuple:
    """The install plan (pip's installation order) and the --report of one resolution."""
    plan = []
    for req in resolver.get_installation_order(requirement_set):
        if req.constraint or req.satisfied_by is not None or req.link is None:
            continue
        info = req.download_info
        plan.append(
            {
                "name": req.metadata["Name"],
                "version": req.metadata["Version"],
                "filename": req.link.filename,
                # A local project or an sdist is saved as it is, not as a wheel.
                "is_wheel": req.link.is_wheel,
                "requested": bool(req.user_supplied),
                "direct_url": info.to_json() if info and req.is_direct else None,
            }
        )
    report = installation_report(requirement_set.requirements_to_install).to_dict()
    return plan, report


def main() -> int:
    pip_home, markers_json, plan_path, report_path = sys.argv[1:5]
    check, pip_arguments = take_check(sys.argv[5:])
    stop = prepare(pip_home, markers_json, check)
    if stop is not None:
        return stop

    from pip._internal.cli.main import main as pip_main
    from pip._internal.models.installation_report import InstallationReport
    from pip._internal.resolution.resolvelib.resolver import Resolver

    outputs = []
    resolve = Resolver.resolve

    def resolve_and_describe(self, *args, **kwargs):
        requirement_set = resolve(self, *args, **kwargs)
        # Described right away: a wheel fetched from a remote index sits in a temporary folder
        # that pip removes when the command ends, and its metadata is read from that file.
        outputs.append(describe(self, requirement_set, InstallationReport))
        return requirement_set

    Resolver.resolve = resolve_and_describe

    sys.argv = ["pip", *pip_arguments]
    code = pip_main(pip_arguments)
    if code:
        return code
    # The last resolution is the command's own (pip may resolve build dependencies before it).
    plan, report = outputs[-1]
    with open(plan_path, "w", encoding="utf-8") as f:
        json.dump(plan, f, indent=1)
    with open(report_path, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    code = main()
    # As in pip_for_target.py: skip the interpreter's teardown, streams flushed first.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
