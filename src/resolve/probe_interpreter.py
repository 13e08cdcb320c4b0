"""Describes the interpreter that runs it, on two lines, for interpreter discovery.

1. its full version, e.g. 3.11.7
2. sys.executable (a pyenv shim or the `py` launcher resolves to the real binary here)
"""

import sys

print("%d.%d.%d" % sys.version_info[:3])
print(sys.executable)
