"""Checks requirement lines with pip's own parser before pip installs anything.

Reads {"lines": [{"id": ..., "text": ...}, ...]} as JSON on stdin and writes one JSON object per
line to stdout: {"id", "error"} for a line pip would refuse, else {"id", "name", "editable",
"link"} where link (or null) describes a URL or local path requirement. The text of each line
is split into requirement and options, options parsed and the requirement built exactly as pip
does for a line of a requirements file (pip._internal.req: the line parser and
install_req_from_line / install_req_from_editable), so syntax errors, bad markers, bad
specifiers, unknown options and missing local paths are found with pip's own words. Relative
paths resolve against the working directory, as pip resolves them.

argv: PIP_HOME, the directory of the pinned pip the build installs with (put first on sys.path).
Never prints a traceback: every failure is a message tied to its line.
"""

import json
import os
import sys


def describe_link(link):
    if link is None:
        return None
    path = link.file_path if link.is_file else None
    return {
        "url": link.url_without_fragment,
        "isFile": bool(link.is_file),
        "isWheel": bool(link.is_wheel),
        "isVcs": bool(link.is_vcs),
        "isDirectory": bool(path and os.path.isdir(path)),
        "path": path,
        "hash": link.hash_name + ":" + link.hash if link.hash and link.hash_name else None,
    }


def check_line(text, parse_line, from_line, from_editable):
    args, opts = parse_line(text)
    if opts.editables:
        req = from_editable(opts.editables[0], user_supplied=True)
    elif args:
        req = from_line(args, line_source=text, user_supplied=True)
    else:
        return {"options": True}
    hashes = getattr(opts, "hashes", None) or []
    return {
        "name": req.name,
        "editable": bool(req.editable),
        "link": describe_link(req.link),
        "hashed": bool(hashes),
    }


def main():
    # optparse names the program in its errors: say pip, whose option it is.
    sys.argv[0] = "pip"
    sys.path.insert(0, sys.argv[1])
    from pip._internal.req.constructors import (
        install_req_from_editable,
        install_req_from_line,
    )
    from pip._internal.req.req_file import get_line_parser

    parse_line = get_line_parser(None)
    request = json.load(sys.stdin)
    results = []
    for line in request["lines"]:
        try:
            result = check_line(
                line["text"], parse_line, install_req_from_line, install_req_from_editable
            )
        except BaseException as error:  # every failure, SystemExit too, becomes the line's message
            message = str(error).strip() or type(error).__name__
            result = {"error": message}
        result["id"] = line["id"]
        results.append(result)
    json.dump({"pip": __import__("pip").__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
