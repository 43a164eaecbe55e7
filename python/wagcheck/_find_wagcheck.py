"""Finds the `wagcheck` binary that the wheel installed into a scripts directory, as
Ruff's `find_ruff_bin` does: the interpreter's own scheme first, then the user scheme,
then a `pip install --target` layout (the binary in `bin/` beside the package)."""

from __future__ import annotations

import os
import sys
import sysconfig


def find_wagcheck_bin() -> str:
    exe = "wagcheck" + (sysconfig.get_config_var("EXE") or "")
    candidates = [sysconfig.get_path("scripts")]
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    elif os.name == "nt":
        user_scheme = "nt_user"
    elif sys.platform == "darwin" and sys._framework:  # type: ignore[attr-defined]
        user_scheme = "osx_framework_user"
    else:
        user_scheme = "posix_user"
    candidates.append(sysconfig.get_path("scripts", scheme=user_scheme))
    # `pip install --target DIR`: DIR/wagcheck/ is this package, DIR/bin/ the binary.
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates.append(os.path.join(package_root, "bin"))
    for directory in candidates:
        path = os.path.join(directory, exe)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "the wagcheck binary was not found in " + ", ".join(candidates)
    )
