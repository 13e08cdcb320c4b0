"""Describes the interpreter that runs it, on three lines, for interpreter discovery.

1. its full version, e.g. 3.11.7
2. the version of the pip it can import, or "-" without pip
3. sys.executable (a pyenv shim resolves to the real binary here)
"""

import sys

print("%d.%d.%d" % sys.version_info[:3])
try:
    import pip

    print(pip.__version__)
except Exception:
    print("-")
print(sys.executable)
