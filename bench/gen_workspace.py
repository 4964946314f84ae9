#!/usr/bin/env python3
"""Generate a realistic okrc workspace of N units for benchmarks.

The units form a deep hierarchy (company -> divisions -> departments -> groups ->
teams, ten children per unit), each with 3 objectives x 3 key results x 6-8 weekly
check-ins and about 1 KB of Markdown body. Key results mix every form okrc reads:
English and Dutch one-line metrics, milestones, tables and `kr = "..."` tables.
Output is deterministic for a given N and seed.

    python3 bench/gen_workspace.py 10000 /tmp/okrs-10k
"""
import argparse
import datetime
import os
import random
import shutil

BODY_PARAGRAPH = (
    "This quarter we focus on the few things that move the bank forward. "
    "We check in every Monday, look at confidence honestly and say no to work "
    "that does not serve these objectives. Risks are raised early in the weekly "
    "check-in, and the retrospective at the end of the period feeds the next one.\n\n"
)

LAST_CHECKIN = datetime.date(2026, 11, 23)

WORDS = ["payments", "ledger", "onboarding", "fraud", "lending", "cards", "mobile",
         "savings", "compliance", "platform", "data", "identity", "treasury", "support"]


def unit_id(index):
    return "company" if index == 0 else f"unit-{index:06d}"


def parent_of(index, fanout):
    return None if index == 0 else (index - 1) // fanout


def depth_of(index, fanout):
    depth = 0
    while index > 0:
        index = (index - 1) // fanout
        depth += 1
    return depth


def key_result(rng, o, k, dutch):
    """One key result in one of the forms okrc reads."""
    form = (o * 3 + k + rng.randrange(5)) % 5
    weeks = rng.randrange(6, 9)
    # Weekly Monday check-ins, the latest on 2026-11-23.
    dates = [(LAST_CHECKIN - datetime.timedelta(weeks=weeks - 1 - w)).isoformat() for w in range(weeks)]
    start = rng.randrange(10, 500)
    target = start + rng.randrange(50, 400)
    values = [start + (target - start) * (i + 1) // (len(dates) + 3) for i in range(len(dates))]
    confidences = ["0.8", "0.7", "\"on-track\"", "0.6", "\"at-risk\"", "0.9"]
    if form == 0:
        checkins = ",\n".join(
            f"    {{ date = {d}, value = {v}, confidence = {confidences[i % 6]}, note = \"week {i + 1}: steady progress on {rng.choice(WORDS)}\" }}"
            for i, (d, v) in enumerate(zip(dates, values)))
        title = f"Active {rng.choice(WORDS)} users"
        return (f"  [[objectives.key_results]]\n  title = \"{title}\"\n  from = {start}\n  to = {target}\n"
                f"  unit = \"users\"\n  weight = {1 + k % 2}\n  checkins = [\n{checkins},\n  ]\n")
    falling = [target + start - v for v in values]
    if form == 1:
        checkins = ",\n".join(
            f"    {{ date = {d}, value = {v}, confidence = {confidences[i % 6]} }}"
            for i, (d, v) in enumerate(zip(dates, falling if not dutch else values)))
        line = (f"Wachttijd {rng.choice(WORDS)} van {start},5 naar {target},0 minuten tegen 2026-12-15" if dutch
                else f"Cut {rng.choice(WORDS)} latency from {target}ms to {start}ms by 2026-12-15")
        return f"  [[objectives.key_results]]\n  kr = \"{line}\"\n  checkins = [\n{checkins},\n  ]\n"
    if form == 2:
        checkins = ",\n".join(
            f"    {{ date = {d}, done = {'true' if i == len(dates) - 1 and rng.random() < 0.3 else 'false'}, confidence = {confidences[i % 6]} }}"
            for i, d in enumerate(dates))
        return (f"  [[objectives.key_results]]\n  title = \"Launch the new {rng.choice(WORDS)} flow\"\n"
                f"  done = false\n  checkins = [\n{checkins},\n  ]\n")
    if form == 3:
        checkins = ",\n".join(
            f"    {{ date = {d}, value = {v * 1000}, confidence = {confidences[i % 6]}, note = \"on plan\" }}"
            for i, (d, v) in enumerate(zip(dates, falling)))
        return (f"  [[objectives.key_results]]\n  title = \"Monthly {rng.choice(WORDS)} cost\"\n"
                f"  from = {target * 1000}\n  to = {start * 1000}\n  unit = \"€\"\n  checkins = [\n{checkins},\n  ]\n")
    checkins = ",\n".join(
        # In dollars, as the title's `$115k` reads: a value of `144` would be
        # an implausible-value warning on every check-in.
        f"    {{ date = {d}, value = {v * 1000}, confidence = {confidences[i % 6]} }}"
        for i, (d, v) in enumerate(zip(dates, values)))
    return (f"  [[objectives.key_results]]\n  kr = \"Grow {rng.choice(WORDS)} revenue from ${start}k to ${target}k by 2026-12-31\"\n"
            f"  checkins = [\n{checkins},\n  ]\n")


def unit_file(index, count, fanout, rng):
    uid = unit_id(index)
    parent = parent_of(index, fanout)
    dutch = index % 7 == 3
    lines = ["+++", f"id = \"{uid}\"", f"name = \"{rng.choice(WORDS).title()} {index}\""]
    if parent is None:
        lines += ["period = \"2026\"",
                  "mission = \"Make banking simple and safe for everyone.\"",
                  "vision = \"By 2030, the bank people trust with their first and last euro.\"",
                  "strategy = \"Modernise the core, automate compliance, grow through partners.\""]
    else:
        lines += [f"parent = \"{unit_id(parent)}\"", "period = \"2026-Q4\""]
    lines.append(f"owner = [\"Owner {index}\", \"Deputy {index}\"]")
    text = "\n".join(lines) + "\n"
    for o in range(3):
        text += f"\n[[objectives]]\ntitle = \"Make {rng.choice(WORDS)} {rng.choice(['reliable', 'delightful', 'cheaper', 'compliant'])}\"\n"
        if parent is not None:
            text += f"aligns_to = \"O{o + 1}.KR{rng.randrange(1, 4)}\"\n"
        for k in range(3):
            text += key_result(rng, o, k, dutch)
    text += "+++\n\n"
    text += f"# {uid}\n\n" + BODY_PARAGRAPH * 3
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("units", type=int, help="how many unit files")
    parser.add_argument("out", help="the workspace folder to (re)create")
    parser.add_argument("--fanout", type=int, default=10, help="children per unit")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if os.path.exists(args.out):
        if not os.path.exists(os.path.join(args.out, ".okrc-bench")):
            raise SystemExit(f"{args.out} exists and was not made by this script; refusing to replace it")
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    open(os.path.join(args.out, ".okrc-bench"), "w").close()
    with open(os.path.join(args.out, "okrc.toml"), "w") as f:
        f.write('title = "Benchmark Bank"\nperiod = "2026-Q4"\n')
    rng = random.Random(args.seed)
    for index in range(args.units):
        depth = depth_of(index, args.fanout)
        folder = os.path.join(args.out, *(f"level-{d}" for d in range(1, depth + 1)))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, unit_id(index) + ".md"), "w") as f:
            f.write(unit_file(index, args.units, args.fanout, rng))


if __name__ == "__main__":
    main()
