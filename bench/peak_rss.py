"""Run a command and write its own peak memory and times as JSON: `python peak_rss.py OUT -- CMD...`.

Why a wrapper: Linux carries the *spawning* process's high-water RSS into a child started with
vfork (what subprocess uses) and reports it as the child's `ru_maxrss`, so a 400 MB test runner
that spawns a 70 MB command reads 400 MB from os.wait4. This wrapper is a small, fresh process:
the command it starts inherits only the wrapper's ~10 MB, which is therefore the floor of the
figure. Seconds run from just before the spawn to the exit, so the wrapper's own start-up is not
counted. The wrapper exits with the command's exit code (128 + N for a signal), stdio passes
through untouched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write("usage: peak_rss.py OUT -- CMD [ARG...]\n")
        return 2
    out, cmd = argv[0], argv[2:]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    figures = {
        "seconds": seconds,
        "maxrss_mb": usage.ru_maxrss / 1024,  # Linux reports KiB
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "rc": rc,
    }
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(figures, fh)
    return rc if rc >= 0 else 128 - rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
