#!/usr/bin/env python3
"""Run a command several times; print its median wall time and peak memory.

    python3 bench/measure.py --runs 10 -- target/release/okrc check /tmp/okrs-10k

Medians, not means: these machines are shared and noisy. Peak memory is the
child's maximum resident set size (ru_maxrss). Output goes to /dev/null.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def run_once(command, env):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    exit_code = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime, exit_code


def measure(command, runs=10, warmup=1, env=None, before=None):
    """Runs `command` `warmup` times, then `runs` times measured. `before`,
    if given, is called (untimed) before every run."""
    def once():
        if before:
            before()
        return run_once(command, env)

    for _ in range(warmup):
        once()
    samples = [once() for _ in range(runs)]
    codes = {s[3] for s in samples}
    return {
        "command": " ".join(command),
        "runs": runs,
        "median_s": statistics.median(s[0] for s in samples),
        "min_s": min(s[0] for s in samples),
        "max_s": max(s[0] for s in samples),
        "cpu_s": statistics.median(s[2] for s in samples),
        "peak_mb": statistics.median(s[1] for s in samples),
        "exit_codes": sorted(codes),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    result = measure(command, args.runs, args.warmup)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['command']}\n  median {result['median_s']:.3f} s (min {result['min_s']:.3f}, max {result['max_s']:.3f}) "
              f"over {args.runs} runs, CPU {result['cpu_s']:.3f} s, peak memory {result['peak_mb']:.0f} MB, exit {result['exit_codes']}")


if __name__ == "__main__":
    sys.exit(main())
