#!/usr/bin/env python3
"""Where the bytes of a built okrc site go, by page kind.

    python3 bench/page_weight.py SITE [--units N] [--json]

Prints, for each kind of file (unit pages, unit JSON, people pages, changes
pages, period dashboards, alignment pages, the overview, okrs.json, other),
the number of files, their total bytes, the mean size, and the bytes per
unit, where the number of units is the length of okrs.json's `units` (or
`--units`). The last line is the issue's figure: all output bytes / units.
Sizes are apparent sizes (bytes written), not disk blocks.
"""
import argparse
import json
import os
import re
import sys

KINDS = [
    ("unit pages", re.compile(r"^periods/[^/]+/units/[^/]+\.html$")),
    ("unit JSON", re.compile(r"^periods/[^/]+/units/[^/]+\.json$")),
    ("people pages", re.compile(r"^people/.+\.html$")),
    ("changes", re.compile(r"^periods/[^/]+/changes\.html$")),
    ("alignment", re.compile(r"^periods/[^/]+/alignment(-\d+)?\.html$")),
    ("dashboards", re.compile(r"^periods/[^/]+/(index|scorecard)\.html$")),
    ("index", re.compile(r"^index\.html$")),
    ("okrs.json", re.compile(r"^okrs\.json$")),
]


def kind_of(path):
    for name, pattern in KINDS:
        if pattern.match(path):
            return name
    return "other"


def human(n):
    for unit in ["B", "KB", "MB", "GB"]:
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000.0
    return str(n)


def weigh(site):
    totals = {}
    for root, dirs, files in os.walk(site):
        dirs.sort()
        for name in files:
            full = os.path.join(root, name)
            rel = os.path.relpath(full, site).replace(os.sep, "/")
            size = os.lstat(full).st_size
            count, total, largest = totals.get(kind_of(rel), (0, 0, 0))
            totals[kind_of(rel)] = (count + 1, total + size, max(largest, size))
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site")
    parser.add_argument("--units", type=int, help="units to divide by (default: okrs.json)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not os.path.isdir(args.site):
        sys.exit(f"page_weight: {args.site}: not a folder")
    units = args.units
    if units is None:
        try:
            with open(os.path.join(args.site, "okrs.json"), encoding="utf-8") as f:
                units = len(json.load(f).get("units", []))
        except (OSError, ValueError) as e:
            sys.exit(f"page_weight: {args.site}/okrs.json: {e}; pass --units")
    units = max(units, 1)
    totals = weigh(args.site)
    order = [name for name, _ in KINDS] + ["other"]
    all_files = sum(c for c, _, _ in totals.values())
    all_bytes = sum(t for _, t, _ in totals.values())
    if args.json:
        print(json.dumps({
            "units": units,
            "files": all_files,
            "bytes": all_bytes,
            "bytes_per_unit": all_bytes / units,
            "kinds": {k: {"files": c, "bytes": t, "largest": m}
                      for k, (c, t, m) in totals.items()},
        }, indent=2, sort_keys=True))
        return
    print(f"{'kind':<14} {'files':>7} {'bytes':>10} {'mean':>9} {'largest':>9} {'per unit':>9} {'share':>6}")
    for name in order:
        if name not in totals:
            continue
        count, total, largest = totals[name]
        print(f"{name:<14} {count:>7} {human(total):>10} {human(total / count):>9} "
              f"{human(largest):>9} {human(total / units):>9} {100 * total / max(all_bytes, 1):>5.1f}%")
    print(f"{'all':<14} {all_files:>7} {human(all_bytes):>10} {'':>9} {'':>9} "
          f"{human(all_bytes / units):>9} {'100.0%':>6}")
    print(f"{units} units: {all_bytes / units / 1000:.1f} KB per unit")


if __name__ == "__main__":
    main()
