"""`python -m wagcheck ...`: runs the wagcheck binary with the same arguments."""

import os
import sys

from wagcheck import find_wagcheck_bin


def main() -> None:
    wagcheck = os.fsdecode(find_wagcheck_bin())
    if sys.platform == "win32":
        # Windows has no exec that keeps the console and the exit code: wait instead.
        import subprocess

        sys.exit(subprocess.run([wagcheck, *sys.argv[1:]]).returncode)
    os.execvp(wagcheck, [wagcheck, *sys.argv[1:]])


if __name__ == "__main__":
    main()
