#!/usr/bin/env python3
"""Where in a run its memory peaks: the resident set sampled over time.

    python3 bench/rss_timeline.py -- target/release/okrc build WS -o NEW --today 2026-11-27 -q

Runs the command and reads /proc/PID/status every INTERVAL ms (Linux): the
resident set now (VmRSS) and its high-water mark (VmHWM). Samples can miss a
short spike between two reads; the high-water mark cannot, so the peak is
the last VmHWM and the phase that set it is when VmHWM last rose. Prints
the peak, when VmHWM last rose, and a line every --every ms of the run.
"""

import argparse
import re
import subprocess
import sys
import time


def status(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            text = f.read()
    except OSError:
        return None
    rss = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    hwm = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
    if not (rss and hwm):
        return None
    return int(rss.group(1)), int(hwm.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interval", type=float, default=20, help="ms between samples")
    parser.add_argument("--every", type=float, default=250, help="ms between printed lines")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    samples = []
    while process.poll() is None:
        seen = status(process.pid)
        if seen:
            samples.append((time.perf_counter() - start, *seen))
        time.sleep(args.interval / 1000)
    code = process.wait()
    if not samples:
        sys.exit("no sample: the command ended too soon")
    peak = samples[-1][2]
    rose = next(t for t, _, hwm in samples if hwm == peak)
    print(f"exit {code}; {time.perf_counter() - start:.2f} s; peak (VmHWM) {peak / 1024:.1f} MiB, "
          f"reached by {rose:.2f} s (the sample after it rose)")
    shown = -1e9
    for t, rss, hwm in samples:
        if (t - shown) * 1000 >= args.every:
            print(f"{t:7.2f} s  rss {rss / 1024:8.1f} MiB  high-water {hwm / 1024:8.1f} MiB")
            shown = t
    return code


if __name__ == "__main__":
    sys.exit(main())
