#!/usr/bin/env python3
"""The okrc benchmark suite: okrc, Hugo and the I/O floor side by side.

For each size it generates a realistic workspace (bench/gen_workspace.py) and
measures, as medians over several runs:

- `okrc check` and `okrc build`: wall time, CPU time and peak memory;
- Hugo (Debian package `hugo`) building the same Markdown files with a minimal
  layout (one page per unit listing its objectives, plus list pages);
- the I/O floor: reading every input file, plus copying okrc's output tree;
- the watch edit-to-site latency (bench/watch_latency.py), when asked.

    python3 bench/suite.py --sizes 1000,10000 --runs 5
    python3 bench/suite.py --sizes 100000 --runs 3 --no-hugo

It prints a Markdown table (paste it into BENCHMARKS.md) and, with --json, the
raw figures.
"""
import argparse
import json
import os
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


def workspace(units):
    path = f"/tmp/okrc-bench-{units}"
    if not os.path.exists(os.path.join(path, "okrc.toml")):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_workspace.py"), str(units), path], check=True)
    return path


def hugo_site(units, source):
    """A Hugo site whose content is a copy of the workspace's unit files."""
    site = f"/tmp/okrc-bench-{units}-hugo"
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
            shutil.copytree(output, os.path.join(target, "copy"))
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


def watch_latency(source, runs):
    script = os.path.join(ROOT, "bench", "watch_latency.py")
    if not os.path.exists(script):
        return None
    result = subprocess.run([sys.executable, script, source, "--edits", str(runs), "--json"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated unit counts")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--watch", action="store_true", help="also measure the watch edit-to-site latency")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    hugo = None if args.no_hugo else shutil.which("hugo")
    rows = []
    for units in [int(s) for s in args.sizes.split(",")]:
        source = workspace(units)
        output = f"/tmp/okrc-bench-{units}-out"
        row = {"units": units, "input_mb": tree_size(source)[1] / 1e6}
        row["check"] = measure([OKRC, "check", source, "--today", TODAY], args.runs)
        row["build"] = measure([OKRC, "build", source, "-o", output, "--today", TODAY], args.runs)
        files, size = tree_size(output)
        row["output_files"], row["output_mb"] = files, size / 1e6
        row["floor"] = io_floor(source, output, args.runs)
        if hugo:
            site = hugo_site(units, source)
            row["hugo"] = measure([hugo, "--quiet", "-s", site, "-d", os.path.join(site, "public")], args.runs)
        if args.watch:
            row["watch"] = watch_latency(source, max(args.runs, 10))
        rows.append(row)
        print(f"measured {units} units", file=sys.stderr)

    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"| units | input | okrc check | okrc build | build peak memory | output | I/O floor | Hugo | Hugo peak memory | build vs Hugo | watch edit→site |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        hugo_row = row.get("hugo")
        watch = row.get("watch")
        print("| {units:,} | {input:.0f} MB | {check:.3f} s ({check_mb:.0f} MB) | {build:.3f} s | {build_mb:.0f} MB | {files:,} files, {out:.0f} MB | {floor:.3f} s | {hugo} | {hugo_mb} | {ratio} | {watch} |".format(
            units=row["units"], input=row["input_mb"],
            check=row["check"]["median_s"], check_mb=row["check"]["peak_mb"],
            build=row["build"]["median_s"], build_mb=row["build"]["peak_mb"],
            files=row["output_files"], out=row["output_mb"], floor=row["floor"]["median_s"],
            hugo=f"{hugo_row['median_s']:.2f} s" if hugo_row else "–",
            hugo_mb=f"{hugo_row['peak_mb']:.0f} MB" if hugo_row else "–",
            ratio=f"{hugo_row['median_s'] / row['build']['median_s']:.1f}× faster" if hugo_row else "–",
            watch=f"{watch['median_ms']:.0f} ms" if watch else "–",
        ))


if __name__ == "__main__":
    main()
