"""Check, once and early, that the package indexes pip is about to use answer.

pip retries an index that does not answer on every page it fetches (5 retries with backoff for
each project): a closed port or an unknown host costs about a minute of `WARNING: Retrying`
lines before anything says why. This module hooks pip's option parsing (so the indexes are the
ones pip would use: its configuration files, PIP_* variables and the command line), then:

- lists each index once (an index given twice, e.g. on the command line and in pip.conf, is
  both listed and fetched twice by pip);
- checks every index in parallel with one bounded HEAD request through pip's own session (its
  certificates, proxies and trusted hosts) without retries; a file: index is a folder that exists;
- drops the indexes that do not answer from this run and reports them in one UNREACHABLE line
  (the build turns it into one warning): pip would retry them and then go on without them;
- when no index answers and no --find-links is given, ends the run with exit code NO_INDEX before
  pip fetches anything.
"""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

# Exit code when no index answers (and there are no --find-links to build from).
NO_INDEX = 4
# Prefix of the one line (JSON) that reports the indexes that do not answer: the build reads it.
UNREACHABLE = "lambda-layer-indexes-unreachable:"

CONNECT_SECONDS = 5
READ_SECONDS = 10


def _reason(error: BaseException) -> str:
    """A few words on why an index did not answer, from the innermost network error."""
    text = " ".join(str(e) for e in _chain(error))
    names = ("NameResolutionError", "Name or service not known", "getaddrinfo")
    if any(name in text for name in names):
        return "its host name does not resolve"
    if "Connection refused" in text:
        return "connection refused"
    if "timed out" in text or "Timeout" in text:
        return f"no answer within {CONNECT_SECONDS} s"
    if "SSL" in text or "CERTIFICATE" in text:
        return "TLS handshake failed (certificate?)"
    if "ProxyError" in text or "proxy" in text.lower():
        return "the proxy refused the connection"
    return text.splitlines()[0][:160] if text else type(error).__name__


def _chain(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _answers(session, url: str) -> str | None:
    """None when `url` answers, else why not."""
    from pip._internal.utils.urls import url_to_path
    from pip._vendor import requests

    if url.startswith("file:"):
        return None if os.path.isdir(url_to_path(url)) else "no such folder"
    if not url.startswith(("http://", "https://")):
        return None
    try:
        # Any HTTP answer (200, 401, 404, 405) means the index is there; pip handles the rest.
        session.head(url, timeout=(CONNECT_SECONDS, READ_SECONDS), allow_redirects=False)
        return None
    except Exception as error:  # every failure is a reason, none a crash
        if any(isinstance(e, requests.ReadTimeout) for e in _chain(error)):
            return None  # it accepted the connection: slow, not unreachable
        return _reason(error)


def _without_credentials(url: str) -> str:
    """The URL with its user and password shown as ****, as the build shows every index URL."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="****@" + parts.netloc.rsplit("@", 1)[1]))


def settle_indexes(command, options) -> None:
    """Dedupe options' indexes, drop the ones that do not answer, or stop when none does."""
    if getattr(options, "no_index", False) or not hasattr(options, "index_url"):
        return
    urls = list(dict.fromkeys([options.index_url, *(options.extra_index_urls or [])]))
    session_options = _copy(options)
    session_options.cache_dir = None
    session = command._build_session(session_options, retries=0)
    # Reachability only: no credentials prompt, no keyring.
    session.auth.prompting = False
    session.auth.keyring_provider = "disabled"
    with ThreadPoolExecutor(max_workers=min(8, len(urls))) as pool:
        reasons = list(pool.map(lambda url: _answers(session, url), urls))
    session.close()
    answering = [url for url, reason in zip(urls, reasons) if reason is None]
    unreachable = [
        {"url": _without_credentials(url), "reason": reason}
        for url, reason in zip(urls, reasons)
        if reason is not None
    ]
    # pip would go on with its --find-links alone too, after retrying every index.
    find_links_only = not answering and bool(options.find_links)
    if unreachable:
        report = {
            "unreachable": unreachable,
            "answering": len(answering),
            "findLinksOnly": find_links_only,
        }
        print(f"{UNREACHABLE} {json.dumps(report)}", file=sys.stderr, flush=True)
    if not answering:
        if not find_links_only:
            raise SystemExit(NO_INDEX)
        options.no_index = True
        return
    options.index_url, options.extra_index_urls = answering[0], answering[1:]


def _copy(options):
    import copy

    return copy.copy(options)


def check_indexes_when_parsed() -> None:
    """Runs settle_indexes() on the options of the pip command about to run (pip imported)."""
    from pip._internal.cli.req_command import RequirementCommand

    parse_args = RequirementCommand.parse_args

    def parse_and_settle(self, args):
        options, rest = parse_args(self, args)
        settle_indexes(self, options)
        return options, rest

    RequirementCommand.parse_args = parse_and_settle
