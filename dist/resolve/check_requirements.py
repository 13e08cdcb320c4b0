"""Checks requirement lines with pip's own parser before pip installs anything.

pip_for_target.py runs it in pip's own process before pip installs (pip's modules are then
imported once): check_request() reads {"lines": [{"id": ..., "text": ...}, ...],
"refuseSourceBuilds": bool} from a file and writes {"results": [...]}, one object per line:
{"id", "error"} for a line pip would refuse, else {"id", "name", "editable", "link"} where link
(or null) describes a URL or local path requirement. The text of each line is split into
requirement and options, options parsed and the requirement built exactly as pip does for a line
of a requirements file (pip._internal.req: the line parser and install_req_from_line /
install_req_from_editable), so syntax errors, bad markers, bad specifiers, unknown options and
missing local paths are found with pip's own words. Relative paths resolve against the working
directory, as pip resolves them.

Never raises for a line: every failure is a message tied to it.
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


def check_lines(lines):
    """One result per {"id", "text"} line, in order (see the module docstring)."""
    from pip._internal.req.constructors import (
        install_req_from_editable,
        install_req_from_line,
    )
    from pip._internal.req.req_file import get_line_parser

    parse_line = get_line_parser(None)
    results = []
    for line in lines:
        try:
            result = check_line(
                line["text"], parse_line, install_req_from_line, install_req_from_editable
            )
        except BaseException as error:  # every failure, SystemExit too, becomes the line's message
            message = str(error).strip() or type(error).__name__
            result = {"error": message}
        result["id"] = line["id"]
        results.append(result)
    return results


def builds_from_source(result):
    """Installing it runs build code here: an editable, or a link that is not a wheel.

    The same rule as classify() in check-requirements.ts, which words the message.
    """
    link = result.get("link")
    return bool(result.get("editable") or (link and not link["isWheel"]))


def check_request(request_path, result_path):
    """Runs a check request file; True when pip may go on (no bad line, nothing refused)."""
    # optparse names the program in its errors: say pip, whose option it is.
    sys.argv[0] = "pip"
    with open(request_path, encoding="utf-8") as handle:
        request = json.load(handle)
    results = check_lines(request["lines"])
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump({"results": results}, handle)
    refused = request.get("refuseSourceBuilds") and any(builds_from_source(r) for r in results)
    return not refused and not any("error" in r for r in results)
