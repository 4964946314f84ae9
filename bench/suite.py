#!/usr/bin/env python3
"""The okrc benchmark suite: okrc, Hugo and the I/O floor side by side.

For each size it generates a realistic workspace (bench/gen_workspace.py) and
measures, as medians over several runs:

- `okrc check` and `okrc build`: wall time, CPU time and peak memory; `build`
  into a fresh output folder (as in CI, from a clean checkout) and again over
  its last site (as on a laptop: unchanged files are linked, not written);
- Hugo (Debian package `hugo`) building the same Markdown files with a minimal
  layout (one page per unit listing its objectives, plus list pages);
- the I/O floor: reading every input file, plus copying okrc's output tree;
- the watch edit-to-site latency (bench/watch_latency.py), when asked.

    python3 bench/suite.py --sizes 1000,10000 --runs 5
    python3 bench/suite.py --sizes 100000 --runs 3 --no-hugo
    python3 bench/suite.py --sizes 200 --runs 1 --watch --check   # CI

A fresh output folder is made by renaming the last one aside (deleted at the
end), not by deleting it: deleting ten thousand files just before creating
ten thousand more measures the file system's inode reuse, not the build.
With --check the suite exits 1 when a command fails, when a unit of okrs.json
has no page in okrc's site, or when the watch latency has no timing, so CI
notices when it stops working.
It prints a Markdown table (paste it into BENCHMARKS.md) and, with --json, the
raw figures.
"""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import measure  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OKRC = os.path.join(ROOT, "target", "release", "okrc")
TODAY = "2026-11-27"

HUGO_CONFIG = """baseURL = "http://example.org/"
title = "Benchmark"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Params.name }}</title></head>
<body><h1>{{ .Params.name }}</h1>
{{ range .Params.objectives }}<h2>{{ .title }}</h2><ul>{{ range .key_results }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
{{ .Content }}</body></html>
"""
HUGO_LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Params.name }}</a></li>{{ end }}</ul></body></html>
"""


# Where workspaces and sites go (`--dir`): engineers sharing a machine each
# keep their own.
BENCH_DIR = "/tmp"


def workspace(units):
    path = f"{BENCH_DIR}/okrc-bench-{units}"
    if not os.path.exists(os.path.join(path, "okrc.toml")):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_workspace.py"), str(units), path], check=True)
    return path


def hugo_site(units, source):
    """A Hugo site whose content is a copy of the workspace's unit files."""
    site = f"{BENCH_DIR}/okrc-bench-{units}-hugo"
    if not os.path.exists(os.path.join(site, "content")):
        os.makedirs(os.path.join(site, "layouts", "_default"), exist_ok=True)
        shutil.copytree(source, os.path.join(site, "content"), ignore=shutil.ignore_patterns("okrc.toml", ".okrc-bench"))
        with open(os.path.join(site, "hugo.toml"), "w") as f:
            f.write(HUGO_CONFIG)
        with open(os.path.join(site, "layouts", "_default", "single.html"), "w") as f:
            f.write(HUGO_SINGLE)
        with open(os.path.join(site, "layouts", "_default", "list.html"), "w") as f:
            f.write(HUGO_LIST)
    return site


def tree_size(path):
    total, files = 0, 0
    for folder, _, names in os.walk(path):
        for name in names:
            total += os.path.getsize(os.path.join(folder, name))
            files += 1
    return files, total


def io_floor(source, output, runs):
    """Median time to read every input file and to copy the output tree."""
    inputs = [os.path.join(folder, name) for folder, _, names in os.walk(source) for name in names if name.endswith(".md")]

    def read_all():
        for path in inputs:
            with open(path, "rb") as f:
                f.read()

    def copy_output():
        target = tempfile.mkdtemp(prefix="okrc-floor-")
        try:
            # cp, not shutil.copytree: the floor is the fastest common tool.
            subprocess.run(["cp", "-r", output, os.path.join(target, "copy")], check=True)
        finally:
            shutil.rmtree(target)

    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        read_all()
        middle = time.perf_counter()
        copy_output()
        samples.append((middle - start, time.perf_counter() - middle))
    samples.sort(key=lambda s: s[0] + s[1])
    read, copy = samples[len(samples) // 2]
    return {"read_s": read, "copy_s": copy, "median_s": read + copy}


class Aside:
    """Moves an output folder out of the way before each run (untimed), so
    every run writes a fresh folder; removes what it moved at the end."""

    def __init__(self, path):
        self.path = path
        self.trash = tempfile.mkdtemp(prefix="okrc-bench-aside-", dir=os.path.dirname(path))
        self.count = 0

    def __call__(self):
        if os.path.exists(self.path):
            self.count += 1
            os.rename(self.path, os.path.join(self.trash, str(self.count)))

    def clean(self):
        shutil.rmtree(self.trash, ignore_errors=True)


def watch_latency(source, runs):
    """Edit-to-site latency on a copy of the workspace (the script edits a file)."""
    script = os.path.join(ROOT, "bench", "watch_latency.py")
    copy = tempfile.mkdtemp(prefix="okrc-bench-watch-")
    try:
        shutil.copytree(source, os.path.join(copy, "ws"))
        result = subprocess.run([sys.executable, script, os.path.join(copy, "ws"), "--runs", str(runs),
                                 "--binary", OKRC, "--output", os.path.join(copy, "out"), "--json"],
                                capture_output=True, text=True)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
        return None
    try:
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        print("watch_latency.py printed no figures:\n" + result.stdout + result.stderr, file=sys.stderr)
        return None
    return figures


def missing_timings(figures):
    """The figures of watch_latency.py that are not a time: missing, not a
    number, NaN (a rebuild whose timings line was not found), negative, or
    zero for the totals. A stage may take 0.0 ms: okrc prints tenths of a
    millisecond, and at 200 units a rebuild's write can have next to nothing
    to do."""
    def is_time(value, zero_ok):
        return (isinstance(value, (int, float)) and math.isfinite(value)
                and (value >= 0 if zero_ok else value > 0))
    wanted = {name: (figures.get(name), False) for name in ("page_ms", "done_ms", "rebuild_ms")}
    stages = figures.get("stages_ms")
    if not isinstance(stages, dict) or not stages:
        wanted["stages_ms"] = (None, True)
    else:
        wanted.update({f"stages_ms.{name}": (value, True) for name, value in stages.items()})
    return [name for name, (value, zero_ok) in wanted.items() if not is_time(value, zero_ok)]


def slug(text):
    """The page name okrc gives a unit id or period made of ASCII letters,
    digits and dashes (src/site/paths.rs), which is what gen_workspace.py
    writes: `2026-Q4` → `2026-q4`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def missing_unit_pages(output):
    """The units of okrs.json that have no page in the built site."""
    with open(os.path.join(output, "okrs.json"), encoding="utf-8") as f:
        units = json.load(f)["units"]
    missing = []
    for unit in units:
        page = os.path.join(output, "periods", slug(unit["period"]), "units", slug(unit["id"]) + ".html")
        if not os.path.isfile(page):
            missing.append(f"{unit['id']} ({unit['period']}): no {os.path.relpath(page, output)}")
    return units, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated unit counts")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--watch", action="store_true", help="also measure the watch edit-to-site latency")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit 1 if anything failed (for CI)")
    parser.add_argument("--dir", default="/tmp", help="where workspaces and sites go (default /tmp)")
    args = parser.parse_args()
    global BENCH_DIR
    BENCH_DIR = args.dir
    failures = []

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    hugo = None if args.no_hugo else shutil.which("hugo")
    if not args.no_hugo and not hugo:
        print("hugo is not installed (apt-get install hugo): Hugo is left out", file=sys.stderr)
        failures.append("hugo is not installed (or pass --no-hugo)")
    rows = []
    for units in [int(s) for s in args.sizes.split(",")]:
        source = workspace(units)
        output = f"{BENCH_DIR}/okrc-bench-{units}-out"
        row = {"units": units, "input_mb": tree_size(source)[1] / 1e6}
        row["check"] = measure([OKRC, "check", source, "--today", TODAY], args.runs)
        build = [OKRC, "build", source, "-o", output, "--today", TODAY]
        aside = Aside(output)
        try:
            row["build"] = measure(build, args.runs, before=aside)
        finally:
            aside.clean()
        row["rebuild"] = measure(build, args.runs)
        files, size = tree_size(output)
        row["output_files"], row["output_mb"] = files, size / 1e6
        row["floor"] = io_floor(source, output, args.runs)
        if hugo:
            site = hugo_site(units, source)
            public = os.path.join(site, "public")
            aside = Aside(public)
            try:
                row["hugo"] = measure([hugo, "--quiet", "-s", site, "-d", public], args.runs, before=aside)
            finally:
                aside.clean()
        if args.watch:
            row["watch"] = watch_latency(source, max(args.runs, 10))
            if row["watch"] is None:
                failures.append(f"watch latency at {units} units")
            elif missing_timings(row["watch"]):
                failures.append(f"watch latency at {units} units has no timing for "
                                + ", ".join(missing_timings(row["watch"])))
        for name in ("check", "build", "rebuild", "hugo"):
            if name in row and row[name]["exit_codes"] != [0]:
                failures.append(f"{name} at {units} units exited {row[name]['exit_codes']}")
        try:
            listed, missing = missing_unit_pages(output)
        except (OSError, ValueError, KeyError) as err:
            listed, missing = [], [f"okrs.json unreadable: {err}"]
        if len(listed) != units:
            failures.append(f"okrc's site at {units} units lists {len(listed)} units in okrs.json")
        for page in missing[:10]:
            failures.append(f"okrc's site at {units} units: {page}")
        if len(missing) > 10:
            failures.append(f"... and {len(missing) - 10} more units without a page")
        rows.append(row)
        print(f"measured {units} units", file=sys.stderr)

    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows)
    if args.check and failures:
        print("benchmark suite failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


def print_table(rows):
    print("| units | input | okrc check | okrc build (fresh folder) | okrc rebuild | build peak memory "
          "| output | I/O floor (read + copy) | Hugo | Hugo peak memory | Hugo ÷ okrc build "
          "| watch: edit → page / → all written / rebuild |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        hugo_row = row.get("hugo")
        watch = row.get("watch")
        floor = row["floor"]
        print("| {units:,} | {input:.0f} MB | {check:.3f} s, {check_mb:.0f} MB | {build:.3f} s (CPU {cpu:.2f} s) "
              "| {rebuild:.3f} s | {build_mb:.0f} MB | {files:,} files, {out:.0f} MB "
              "| {floor:.3f} s ({read:.3f} + {copy:.3f}) | {hugo} | {hugo_mb} | {ratio} | {watch} |".format(
                  units=row["units"], input=row["input_mb"],
                  check=row["check"]["median_s"], check_mb=row["check"]["peak_mb"],
                  build=row["build"]["median_s"], cpu=row["build"]["cpu_s"],
                  rebuild=row["rebuild"]["median_s"], build_mb=row["build"]["peak_mb"],
                  files=row["output_files"], out=row["output_mb"],
                  floor=floor["median_s"], read=floor["read_s"], copy=floor["copy_s"],
                  hugo=f"{hugo_row['median_s']:.2f} s" if hugo_row else "–",
                  hugo_mb=f"{hugo_row['peak_mb']:.0f} MB" if hugo_row else "–",
                  ratio=f"{hugo_row['median_s'] / row['build']['median_s']:.1f}×" if hugo_row else "–",
                  watch=(f"{watch['page_ms']:.0f} / {watch['done_ms']:.0f} / {watch['rebuild_ms']:.0f} ms"
                         if watch else "–"),
              ))


if __name__ == "__main__":
    sys.exit(main())
