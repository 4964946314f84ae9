#!/usr/bin/env python3
"""Compare two builds of a command side by side, interleaved, so that the
noise of a shared machine hits both alike.

    python3 bench/compare.py --runs 15 /tmp/okrc-before target/release/okrc -- check /tmp/okrs-10k --today 2026-11-27

Prints the median wall time, CPU time (user + system) and peak memory of each.
"""
import argparse
import statistics
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import run_once  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    rest = args.args[1:] if args.args[:1] == ["--"] else args.args
    samples = {args.before: [], args.after: []}
    for binary in samples:
        run_once([binary, *rest], None)
    for _ in range(args.runs):
        for binary in samples:
            samples[binary].append(run_once([binary, *rest], None))
    for binary, runs in samples.items():
        print(f"{binary}: wall {statistics.median(r[0] for r in runs):.3f} s, "
              f"CPU {statistics.median(r[2] for r in runs):.3f} s, "
              f"peak {statistics.median(r[1] for r in runs):.0f} MB")


if __name__ == "__main__":
    main()
