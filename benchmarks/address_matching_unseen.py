"""Address matching on addresses nobody here wrote: ours beside uk_address_matcher, tuning and held-out, in one run.

The labelled sets come from benchmarks/address_eval/ (an LLPG-style gazetteer of an invented inner-London borough per
split, ~25,000 addresses; 4,000 repair-log addresses written by PyPI address-errors and typed by seven contractors;
8 % with no true address). Three sets, each a tuning and a held-out split: the stress set (address-errors at twice its
fitted prevalence, plus extra noise), the field-rate set (address-errors at its fitted rates; records.py says why) and
the issue-calibrated set (its difficulty calibrated, with the anchor alone on its tuning split, so that the anchor
lands near the figures issue 13 published for it; benchmarks/address_eval/calibrate.py, records.py lists the tries).
A set's tuning split is the only one settings are chosen on (the anchor's threshold included); its held-out split is
another borough (its own seed, its own half of the street names), read only here. Our matcher's settings were chosen
on the stress set's tuning split alone.

Writes a section of docs/benchmarks.md between markers; --no-write to only print.

    .venv/bin/python benchmarks/address_matching_unseen.py
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.address_eval.ceiling import Ceiling  # noqa: E402
from benchmarks.address_eval.matchers import (  # noqa: E402
    TARGET_PRECISION,
    AnchorRun,
    Compiled,
    Run,
    best_threshold,
    compile_ours,
    run_anchor,
    run_ours,
    score,
)
from benchmarks.address_eval.records import ISSUE_HABIT_SCALE, ISSUE_PREVALENCE, SETS, Record, draw  # noqa: E402
from benchmarks.housing_matching import Score  # noqa: E402

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
START, END = "<!-- address_matching_unseen:start", "<!-- address_matching_unseen:end -->"
DIFFICULTIES = ("easy", "moderate", "hard")


def row(name: str, split: str, s: Score, by_difficulty: dict[str, float], recoverable: Score, seconds: str) -> str:
    parts = " | ".join(f"{by_difficulty[d]:.1%}" for d in DIFFICULTIES)
    return (
        f"| {name} | {split} | {s.precision:.2%} | {s.recall:.2%} | {s.f1:.2%} | {s.correct:,} / {s.matched:,} | "
        f"{parts} | {recoverable.recall:.2%} | {seconds} |"
    )


def seen_ours(run: Run, lost: list[Record]) -> dict[str, int]:
    """What a reviewer sees of our result for records whose text no longer names their address."""
    rows = {row["input_id"]: row for row in run.rows}
    seen = {k: 0 for k in SEEN}
    for record in lost:
        row = rows[record.record_id]
        reason = row["match_reason"] or ""
        if row["uprn"] is not None:
            seen["placed on the true address" if row["uprn"] == record.label else "placed elsewhere"] += 1
        elif reason.startswith("ambiguous: the text names"):
            seen["refused: names the building, not which flat"] += 1
        elif row["is_ambiguous"]:
            seen["refused: near-tie, runner-up shown"] += 1
        elif row["candidate_uprn"] is not None:
            seen["refused: best candidate below the minimum"] += 1
        else:
            seen["no candidate"] += 1
        shown = row["uprn"] is None and record.label in (row["candidate_uprn"], row["runner_up_uprn"])
        seen["true address among those shown when refused"] += shown
    return seen


def seen_anchor(run: AnchorRun, setting: tuple[float, float], lost: list[Record]) -> dict[str, int]:
    """The same for the anchor at a threshold: its best candidate is all it shows (no runner-up)."""
    accepted = run.at(*setting)
    best = {key: uprn for key, uprn, *_ in run.candidates}
    seen: dict = {k: 0 for k in SEEN} | {"not_answered": SEEN[2:4]}
    for record in lost:
        uprn = accepted.get(record.record_id)
        if uprn is not None:
            seen["placed on the true address" if uprn == record.label else "placed elsewhere"] += 1
        elif record.record_id in best:
            seen["refused: best candidate below the minimum"] += 1
            seen["true address among those shown when refused"] += best[record.record_id] == record.label
        else:
            seen["no candidate"] += 1
    return seen


SEEN = (
    "placed on the true address",
    "placed elsewhere",
    "refused: near-tie, runner-up shown",
    "refused: names the building, not which flat",
    "refused: best candidate below the minimum",
    "no candidate",
    "true address among those shown when refused",
)


def evaluate(compiled: Compiled, splits: tuple[str, str], n: int) -> tuple[list[str], list[str]]:
    """One set's two splits: the table's rows and the rows of what a reviewer is shown. The anchor's threshold is
    chosen on the set's tuning split (the first) and kept for its held-out split."""
    lines, seen_lines, anchor_setting = [], [], (0.0, 0.0)
    for index, name in enumerate(splits):
        borough, records = draw(name, n)
        recoverable, lost = Ceiling(borough).split(records)
        ours = run_ours(compiled, borough, records)
        anchor = run_anchor(borough, records)
        own_best = best_threshold(anchor, records)
        if index == 0:
            anchor_setting = own_best
        split = name.replace("_", "-")
        results = [
            ("ours (dbt SQL)", ours.uprns, f"{ours.seconds:.1f} wall, {ours.cpu_seconds:.1f} CPU"),
            (f"uk_address_matcher, tuned setting (weight >= {anchor_setting[0]:g}, lead >= {anchor_setting[1]:g})",
             anchor.at(*anchor_setting), f"{anchor.seconds:.1f} wall, {anchor.cpu_seconds:.1f} CPU"),
            (f"uk_address_matcher, its best here (weight >= {own_best[0]:g}, lead >= {own_best[1]:g})",
             anchor.at(*own_best), "same run"),
            ("uk_address_matcher, documented example (weight >= 10, lead >= 1)", anchor.at(10, 1), "same run"),
        ]  # fmt: skip
        for label, predicted, seconds in results:
            total = score(predicted, records)
            recalls = {d: score(predicted, [r for r in records if r.difficulty == d]).recall for d in DIFFICULTIES}
            lines.append(row(label, split, total, recalls, score(predicted, recoverable), seconds))
        for label, seen in (("ours (dbt SQL)", seen_ours(ours, lost)),
                            (results[1][0], seen_anchor(anchor, anchor_setting, lost))):  # fmt: skip
            counts = " | ".join("-" if k in seen.get("not_answered", ()) else f"{seen[k]:,}" for k in SEEN)
            seen_lines.append(f"| {label} | {split} | {len(lost):,} | {counts} |")
        sizes = f"{len(borough.addresses):,} gazetteer addresses, {len(records):,} records"
        absent = sum(r.label is None for r in records)
        touched = sum(any(e.startswith("profile") for e in r.edits) for r in records)
        counts = {d: sum(r.difficulty == d for r in records) for d in DIFFICULTIES}
        mix = f"easy {counts['easy']}, moderate {counts['moderate']}, hard {counts['hard']}"
        collide = sum(r.collides for r in records)
        ceiling = len(recoverable) / (len(recoverable) + len(lost))
        lines.append(
            f"| | {split}: {sizes}, {absent} with no true address, {touched:,} with an address-errors edit, {collide} "
            f"whose text equals another address (address-errors' own check); {mix}. **Ceiling**: the text still "
            f"names its address for {len(recoverable):,} of the {len(recoverable) + len(lost):,} records with one "
            f"({ceiling:.1%}), so no matcher's recall can pass {ceiling:.1%} without guessing | | | | | | | | | |"
        )
    return lines, seen_lines


ABOUT = {
    "stress": "address-errors at twice the touch probability it learned from real council records "
    "(`Controls(prevalence=2.0)`) and 8 % of records given extra noise (`Noise(rate=0.08)`): harsher than the field, "
    "on purpose. Our matcher's settings were chosen on its tuning split.",
    "field-rate": "address-errors at the rates it learned (prevalence 1.0 and no extra noise, its defaults; pooled "
    "rates at intensity 1.0, its setting for an unseen council; benchmarks/address_eval/records.py says why), other "
    "boroughs from their own seeds. Nothing was tuned on this set: the anchor's threshold is chosen on its tuning "
    "split, ours is as the stress set's tuning left it.",
    "issue-calibrated": "its difficulty calibrated so that the anchor, on this set's tuning split at the threshold "
    "chosen there, lands near the figures issue 13 published for it on the issue's own set (precision 97.05 %, recall "
    f"96.68 %): address-errors at prevalence {ISSUE_PREVALENCE:g} (inside the band it reports for real councils, no "
    f"extra noise) and every contractor's error rate times {ISSUE_HABIT_SCALE:g} (every kind kept). The knobs were "
    "chosen with the anchor alone on the tuning split (benchmarks/address_eval/calibrate.py; records.py lists every "
    "try); ours was not run on this set until they were frozen and is as the stress set's tuning left it.",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--records", type=int, default=4000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        compiled = compile_ours(Path(home))
    header = (
        "| matcher | split | precision | recall | F1 | correct / matched | recall easy | recall moderate | "
        "recall hard | recall, text still names it | seconds |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    )
    seen_header = "| matcher | split | records | " + " | ".join(SEEN) + " |\n|---|---|" + "---:|" * (len(SEEN) + 1)
    tables = []
    for set_name, splits in SETS.items():
        lines, seen_lines = evaluate(compiled, splits, args.records)
        tables += [
            f"### The {set_name} set ({', '.join(s.replace('_', '-') for s in splits)})",
            "",
            ABOUT[set_name],
            "",
            header,
            *lines,
            "",
            "For the records whose text no longer names their address, what a reviewer is shown:",
            "",
            seen_header,
            *seen_lines,
            "",
        ]
    load = os.getloadavg()[0]
    section = "\n".join([
        f"{START} (generated by benchmarks/address_matching_unseen.py; edits inside are replaced) -->",
        "## Address matching on unseen addresses (`benchmarks/address_matching_unseen.py`)",
        "",
        f"Run on {date.today().isoformat()} on {platform.machine()} with {os.cpu_count()} cores "
        f"(shared: 1-minute load average {load:.1f} at the end, so wall seconds are pessimistic; CPU seconds are "
        "steadier). Each split: its own invented inner-London borough (BS7666-style LLPG), 4,000 repair-log addresses "
        "written by PyPI `address-errors` 0.1.1 and typed by seven contractors (benchmarks/address_eval/), 8 % with "
        "no true address. Three sets, each a tuning and a held-out split, differing only in address-errors' controls "
        "and (the issue-calibrated set) the contractors' error rates. "
        "Ours is the dbt project's SQL, compiled by dbt and run in DuckDB; the anchor is uk_address_matcher 1.5.3 on "
        "the same inputs, its threshold chosen on the set's tuning split (best recall at "
        f"{TARGET_PRECISION:.1%} precision, else best F1) and, to be fair to it, also at its best on each split.",
        "",
        "The ceiling is decided by benchmarks/address_eval/ceiling.py from the generator's truth and the gazetteer, "
        "never from a matcher: a record's text still names its address when no other gazetteer address is consistent "
        "with every part of the true address the text still carries (flat, building name, number, street, locality, "
        "postcode, outward code; docs/platform-team/address-matching.md). In the tables of what a reviewer is shown, "
        "the anchor shows its best candidate and no runner-up ('-': it has no such answer).",
        "",
        *tables,
        END,
    ])  # fmt: skip
    print(section)
    if not args.no_write:
        text = DOC.read_text()
        if START in text:
            before, rest = text.split(START, 1)
            after = rest.split(END, 1)[1]
            text = before + section + after
        else:
            text = text.rstrip("\n") + "\n" + section + "\n"
        DOC.write_text(text)


if __name__ == "__main__":
    main()
