#!/usr/bin/env python3
"""Edit-to-site latency of `okrc watch`: save one unit file N times and time
how long until the site shows it.

    python3 bench/gen_workspace.py 10000 /tmp/okrs-10k
    python3 bench/watch_latency.py /tmp/okrs-10k --runs 20

Starts `okrc watch` (release build) with OKRC_TIMINGS=1 on the workspace,
waits for the first build, then N times: changes the latest check-in of one
unit (its value, so progress, dashboards and okrs.json change, and its note,
to see the edit), writes the file, and polls the unit's page until the note
shows (pages are replaced by a rename, so a reader never sees half of one). Prints the median
and spread of

- edit → unit page updated (debounce included): what someone saving in an
  editor waits for;
- edit → rebuild finished (every changed file written, okrs.json included);
- the rebuild itself (okrc's own "total", without the debounce), and its
  stages, from the timings okrc prints;
- with --phases, the site's phases too (the `site:` line: indexes, page
  list, pages rendered, okrs.json, ...).

The edited file is restored at the end. Medians, not means: the machines are
shared and noisy.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

VALUE = re.compile(r"(value = )(\d+(?:\.\d+)?)")
CHECKIN = re.compile(r'value = \d+(?:\.\d+)?(.*?)note = "[^"]*"')


def edit(text, run):
    """The latest check-in of the file's last metric: a new value (so the
    key result's progress, its unit's, the dashboards and okrs.json change)
    and a note that says which edit this is (to see it on the unit page)."""
    last = list(CHECKIN.finditer(text))[-1]
    marker = f"okrc-bench-edit-{run}"
    new = f'value = {100 + run}{last.group(1)}note = "{marker}"'
    return text[:last.start()] + new + text[last.end():], marker


def find_unit_file(workspace):
    """A unit file with a metric check-in, deep in the tree (a team)."""
    best = None
    for folder, dirs, files in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "public")
        for name in sorted(files):
            if name.endswith(".md"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                if CHECKIN.search(text):
                    best = path
    if best is None:
        sys.exit("no unit file with a check-in value found")
    return best


class Watch:
    """`okrc watch` running, its stderr collected line by line."""

    def __init__(self, binary, workspace, output, today):
        env = dict(os.environ, OKRC_TIMINGS="1", NO_COLOR="1")
        self.process = subprocess.Popen(
            [binary, "watch", workspace, "-o", output, "--today", today],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True)
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stderr:
            with self.lock:
                self.lines.append((time.perf_counter(), line.rstrip("\n")))

    def builds(self):
        with self.lock:
            return [(t, l) for t, l in self.lines if re.match(r"(Built|Rebuilt|Build failed)", l)]

    def timings_after(self, index):
        with self.lock:
            found = [l for _, l in self.lines if l.strip().startswith("read ")]
        return found[index] if index < len(found) else None

    def site_phases_after(self, index):
        """The phases of the `site:` line that follows the index-th timings
        line (the build timings_after reads; a failed build prints none), as
        {phase: ms}."""
        with self.lock:
            lines = [l.strip() for _, l in self.lines]
        reads = [i for i, l in enumerate(lines) if l.startswith("read ")]
        if index >= len(reads):
            return {}
        for line in lines[reads[index] + 1:]:
            if line.startswith("read "):
                break
            if line.startswith("site:"):
                return {name.strip(): float(ms) for name, ms in
                        re.findall(r"([a-zA-Z.' ]+?) ([\d.]+) ms", line[len("site:"):])}
        return {}

    def stop(self):
        self.process.send_signal(2)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return None


def stage_ms(line, name):
    match = re.search(name + r" ([\d.]+) ms", line or "")
    return float(match.group(1)) if match else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--binary", default="target/release/okrc")
    parser.add_argument("--output", default=None, help="output folder (default: a folder in /tmp)")
    parser.add_argument("--today", default="2026-11-27")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between edits")
    parser.add_argument("--json", action="store_true", help="also print the medians as one line of JSON")
    parser.add_argument("--phases", action="store_true", help="also print the medians of the site's phases")
    args = parser.parse_args()

    workspace = os.path.abspath(args.workspace)
    output = args.output or f"/tmp/okrc-watch-bench-{os.getpid()}"
    unit = find_unit_file(workspace)
    with open(unit, encoding="utf-8") as f:
        original = f.read()
    unit_id = os.path.splitext(os.path.basename(unit))[0]
    id_match = re.search(r'^id = "([^"]+)"', original, re.M)
    if id_match:
        unit_id = id_match.group(1)

    watch = Watch(args.binary, workspace, output, args.today)
    start = time.perf_counter()
    while not watch.builds():
        if watch.process.poll() is not None:
            sys.exit("okrc watch exited:\n" + "\n".join(l for _, l in watch.lines))
        time.sleep(0.05)
    print(f"first build: {time.perf_counter() - start:.1f} s; editing {os.path.relpath(unit, workspace)}")
    pages = [os.path.join(r, f) for r, _, fs in os.walk(output) for f in fs if f == unit_id + ".html"]
    if not pages:
        sys.exit(f"no page {unit_id}.html in {output}")
    page = pages[0]

    to_page, to_done, rebuild, stages = [], [], [], {s: [] for s in ("read", "parse", "link", "render", "write")}
    phases = {}
    try:
        for run in range(args.runs):
            text, shown = edit(original, run)
            before = len(watch.builds())
            edited = time.perf_counter()
            with open(unit, "w", encoding="utf-8") as f:
                f.write(text)
            seen = None
            deadline = edited + 60
            while time.perf_counter() < deadline:
                try:
                    with open(page, encoding="utf-8") as f:
                        if shown in f.read():
                            seen = time.perf_counter()
                            break
                except FileNotFoundError:
                    pass
                time.sleep(0.002)
            while time.perf_counter() < deadline and (
                    len(watch.builds()) <= before or watch.timings_after(before) is None):
                time.sleep(0.002)
            builds = watch.builds()
            if seen is None or len(builds) <= before:
                sys.exit("the site did not follow the edit:\n" + "\n".join(l for _, l in watch.lines[-30:]))
            done = builds[before][0]
            to_page.append((seen - edited) * 1000)
            to_done.append((done - edited) * 1000)
            line = watch.timings_after(before)
            rebuild.append(stage_ms(line, "total"))
            for s in stages:
                stages[s].append(stage_ms(line, s))
            for name, ms in watch.site_phases_after(before).items():
                phases.setdefault(name, []).append(ms)
            time.sleep(args.pause)
    finally:
        with open(unit, "w", encoding="utf-8") as f:
            f.write(original)
        time.sleep(0.5)
        watch.stop()
        if not args.output:
            # The site this script made for itself (hundreds of MB at 10,000 units).
            shutil.rmtree(output, ignore_errors=True)

    def show(name, values):
        values = sorted(values)
        print(f"{name:<34} median {statistics.median(values):7.1f} ms   "
              f"min {values[0]:7.1f}   max {values[-1]:7.1f}")

    files = sum(1 for _, _, fs in os.walk(workspace) for f in fs if f.endswith(".md"))
    print(f"{files} unit files, {args.runs} edits")
    show("edit -> unit page updated", to_page)
    show("edit -> rebuild finished", to_done)
    show("rebuild (okrc's total)", rebuild)
    for s, values in stages.items():
        show(f"  {s}", values)
    if args.phases:
        for name, values in phases.items():
            show(f"    {name}", values)
    if args.json:
        print(json.dumps({
            "edits": args.runs,
            "page_ms": statistics.median(to_page),
            "done_ms": statistics.median(to_done),
            "rebuild_ms": statistics.median(rebuild),
            "stages_ms": {s: statistics.median(v) for s, v in stages.items()},
            "site_phases_ms": {s: statistics.median(v) for s, v in phases.items()},
        }))


if __name__ == "__main__":
    main()
