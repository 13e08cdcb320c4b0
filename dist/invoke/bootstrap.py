"""The Python side of `lambda-layer invoke`: plays the Lambda Python runtime for one call.

It runs under `python -I -S -B`: no user or machine site-packages, no PYTHON* variables, no
bytecode written. It then builds sys.path the way the Lambda Python runtime orders it (function
code, /opt/python/lib/pythonX.Y/site-packages, /opt/python, then the standard library), imports
the handler, calls it with the event and a context object, and writes {"ok": true, "response": ...}
or {"ok": false, "error": {...}} to the result file. Error types mirror Lambda's:
Runtime.ImportModuleError, Runtime.HandlerNotFound, Runtime.MarshalError, Sandbox.Timedout, or
the exception's class name. Every result also carries "metrics": the import and
handler times and the peak memory, the figures of Lambda's REPORT line.

argv: code_dir opt_dir handler event_file result_file timeout_seconds function_name memory_mb
"""

import importlib
import json
import os
import resource
import signal
import sys
import time
import traceback
import uuid

# The figures of Lambda's REPORT line: import (init) time, handler time, peak memory.
METRICS = {}


def write_result(path, result):
    METRICS["maxMemoryUsedKb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    result["metrics"] = METRICS
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


def failure(error_type, message, tb=None):
    stack = traceback.format_tb(tb) if tb is not None else []
    return {
        "ok": False,
        "error": {"errorMessage": message, "errorType": error_type, "stackTrace": stack},
    }


class FunctionTimeout(BaseException):
    pass


class LambdaContext:
    def __init__(self, function_name, memory_mb, timeout_s, region):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = "arn:aws:lambda:%s:123456789012:function:%s" % (
            region,
            function_name,
        )
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = "/aws/lambda/" + function_name
        self.log_stream_name = time.strftime("%Y/%m/%d") + "/[$LATEST]" + uuid.uuid4().hex
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main():
    (
        code_dir,
        opt_dir,
        handler_spec,
        event_file,
        result_file,
        timeout_s,
        function_name,
        memory_mb,
    ) = sys.argv[1:9]
    version = "python%d.%d" % sys.version_info[:2]
    layer_paths = [
        os.path.join(opt_dir, "python", "lib", version, "site-packages"),
        os.path.join(opt_dir, "python"),
    ]
    # Under -I -S sys.path holds only the standard library (zip, lib, lib-dynload).
    stdlib = [entry for entry in sys.path if entry]
    sys.path[:] = [code_dir, *layer_paths, *stdlib]
    os.chdir(code_dir)

    with open(event_file, encoding="utf-8") as handle:
        event = json.load(handle)

    module_name, _, function = handler_spec.rpartition(".")
    module_name = module_name.replace("/", ".")
    init_started = time.monotonic()
    try:
        module = importlib.import_module(module_name)
    except Exception as error:
        METRICS["initMs"] = (time.monotonic() - init_started) * 1000
        write_result(
            result_file,
            failure(
                "Runtime.ImportModuleError",
                "Unable to import module '%s': %s" % (module_name, error),
                error.__traceback__,
            ),
        )
        return
    METRICS["initMs"] = (time.monotonic() - init_started) * 1000
    target = getattr(module, function, None)
    if not callable(target):
        write_result(
            result_file,
            failure(
                "Runtime.HandlerNotFound",
                "Handler '%s' missing on module '%s'" % (function, module_name),
            ),
        )
        return

    context = LambdaContext(
        function_name, int(memory_mb), float(timeout_s), os.environ.get("AWS_REGION", "us-east-1")
    )

    def timed_out(signum, frame):
        raise FunctionTimeout()

    # The function timeout, as Lambda enforces it (the caller also bounds the whole process).
    signal.signal(signal.SIGALRM, timed_out)
    signal.setitimer(signal.ITIMER_REAL, float(timeout_s))
    call_started = time.monotonic()
    try:
        try:
            response = target(event, context)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            METRICS["durationMs"] = (time.monotonic() - call_started) * 1000
    except FunctionTimeout:
        write_result(
            result_file, failure("Sandbox.Timedout", "Task timed out after %s seconds" % timeout_s)
        )
        return
    except Exception as error:
        write_result(result_file, failure(type(error).__name__, str(error), error.__traceback__))
        return
    try:
        json.dumps(response)
    except (TypeError, ValueError) as error:
        write_result(
            result_file,
            failure(
                "Runtime.MarshalError",
                "Unable to marshal response: %s" % error,
            ),
        )
        return
    write_result(result_file, {"ok": True, "response": response})


if __name__ == "__main__":
    main()
