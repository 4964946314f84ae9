#!/usr/bin/env python3
"""Keystroke-to-diagnostics latency of `okrc lsp`: type one character into
an open buffer and time until the server publishes that file's new
diagnostics (the whole workspace re-linked with the buffer's unsaved text).

    python3 bench/gen_workspace.py 1000 /tmp/okrs-1k
    python3 bench/lsp_latency.py /tmp/okrs-1k --runs 50

Starts `okrc lsp` (release build) on the workspace as an editor does
(initialize with the folder, didOpen of one unit file), waits until it
answers, then N times replaces one character of an `aligns_to` value
(`O1.KR2` -> `O1.KR9` -> `O1.KR2`, so every change flips a
`broken-alignment` on or off) with a didChange and times the round trip to
the publishDiagnostics for that file. Also times a completion request inside
that `aligns_to` string. Keystrokes are `--pause` ms apart (100 by default, a fast
typist), as the server prepares the next link while the editor is quiet. Prints the median and spread; medians, not means:
the machines are shared and noisy.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


class Server:
    def __init__(self, binary, workspace):
        env = dict(os.environ, SOURCE_DATE_EPOCH="1795867200")  # 2026-11-28
        self.process = subprocess.Popen(
            [binary, "lsp"], cwd=workspace, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=env)
        self.next_id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                sys.exit("okrc lsp ended")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b": ")
            if name == b"Content-Length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics_for(self, uri):
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics" \
                    and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]


def spread(label, samples):
    samples = sorted(samples)
    p90 = samples[int(len(samples) * 0.9) - 1] if len(samples) >= 10 else samples[-1]
    print(f"{label}: median {statistics.median(samples):.1f} ms, "
          f"min {samples[0]:.1f}, p90 {p90:.1f}, max {samples[-1]:.1f} ms (n={len(samples)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--binary", default=str(ROOT / "target/release/okrc"))
    parser.add_argument("--pause", type=float, default=100,
                        help="ms between keystrokes (a fast typist: 100; 0 sends the next "
                             "change as soon as the last one's diagnostics arrive)")
    args = parser.parse_args()
    workspace = pathlib.Path(args.workspace).resolve()
    files = sorted(p for p in workspace.rglob("*.md") if "aligns_to = \"O1.KR2\"" in p.read_text())
    if not files:
        sys.exit("no unit file with aligns_to = \"O1.KR2\": make the workspace with bench/gen_workspace.py")
    path = files[len(files) // 2]
    uri = "file://" + str(path)
    text = path.read_text()
    lines = text.split("\n")
    line = next(i for i, l in enumerate(lines) if l == 'aligns_to = "O1.KR2"')
    column = len('aligns_to = "O1.KR')

    server = Server(args.binary, workspace)
    started = time.perf_counter()
    server.request("initialize", {"processId": None, "rootUri": "file://" + str(workspace),
                                  "capabilities": {}})
    server.notify("initialized", {})
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    # A request's answer comes after the buffer is read and linked (an
    # unchanged file's diagnostics are not sent again).
    server.request("textDocument/hover", {"textDocument": {"uri": uri},
                                          "position": {"line": line, "character": column}})
    units = sum(1 for _ in workspace.rglob("*.md"))
    print(f"okrc lsp on {units} unit files: {path.relative_to(workspace)} open and answering "
          f"after {(time.perf_counter() - started) * 1000:.0f} ms (start-up, workspace read)")

    latencies = []
    for run in range(args.runs):
        time.sleep(args.pause / 1000)
        new = "9" if run % 2 == 0 else "2"
        change = {"range": {"start": {"line": line, "character": column},
                            "end": {"line": line, "character": column + 1}}, "text": new}
        sent = time.perf_counter()
        server.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": run + 2}, "contentChanges": [change]})
        diagnostics = server.diagnostics_for(uri)
        latencies.append((time.perf_counter() - sent) * 1000)
        broken = any(d.get("code") == "broken-alignment" for d in diagnostics)
        if broken != (new == "9"):
            sys.exit(f"run {run}: broken-alignment {'missing' if new == '9' else 'still there'}")

    completions = []
    for _ in range(args.runs):
        sent = time.perf_counter()
        result = server.request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": column - 5}})
        completions.append((time.perf_counter() - sent) * 1000)
        if not result or not result["items"]:
            sys.exit("no completion items")
    server.request("shutdown", None)
    server.notify("exit", None)
    server.process.wait(timeout=30)

    spread(f"keystroke -> diagnostics ({args.pause:g} ms between keystrokes)", latencies)
    spread(f"completion in aligns_to ({len(result['items'])} items)", completions)


if __name__ == "__main__":
    main()
