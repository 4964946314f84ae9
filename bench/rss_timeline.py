#!/usr/bin/env python3
"""Where in a run its memory peaks: the resident set sampled over time.

    python3 bench/rss_timeline.py -- target/release/okrc build WS -o NEW --today 2026-11-27 -q

Runs the command and reads /proc/PID/status every INTERVAL ms (Linux): the
resident set now (VmRSS) and its high-water mark (VmHWM). Samples can miss a
short spike between two reads; the high-water mark cannot. The peak is the
child's maximum resident set as the kernel reports it at exit (getrusage,
which also covers what came after the last sample), and the phase that set
it is between the sample before VmHWM reached it and the one that saw it.
Prints the peak, that window, and a line every --every ms (the last sample
always). Measure the program itself, not a wrapper (`cargo run`, `sh -c`).
"""

import argparse
import re
import resource
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
    took = time.perf_counter() - start
    # The only child, so its maximum resident set (kB on Linux).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seen = [(t, hwm) for t, _, hwm in samples if hwm >= peak]
    if seen:
        before = [t for t, _, hwm in samples if hwm < peak]
        since = before[-1] if before else 0.0
        when = f"reached between {since:.2f} and {seen[0][0]:.2f} s"
    else:
        after = samples[-1][0] if samples else 0.0
        when = f"reached after the last sample, at {after:.2f} s"
    print(f"exit {code}; {took:.2f} s; peak {peak / 1024:.1f} MiB, {when}")
    shown = -1e9
    for at, (t, rss, hwm) in enumerate(samples):
        if (t - shown) * 1000 >= args.every or at == len(samples) - 1:
            print(f"{t:7.2f} s  rss {rss / 1024:8.1f} MiB  high-water {hwm / 1024:8.1f} MiB")
            shown = t
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
