"""The housing world as its stand-ins use it: one seeded world behind three registered sources.

Each source's stand-in (sandbox/repairs, sandbox/housing_management, sandbox/gazetteer) has a `demo(seed,
first_day, workdir)` context manager, as ingestion/registry.yml expects; all three share one world per (seed, first
day) and one landing folder under `workdir`, so a repair's address, its property and the household there agree.
Tests pass their own (smaller) world to all three instead. From a shell, each builds the world from the same options.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from sandbox.housing_world.landing import Landing
from sandbox.housing_world.world import HousingRepairsWorld

DEMO_SIZE = {"n_addresses": 2000, "n_properties": 500, "n_repairs": 3000}


@cache
def shared_world(seed: int, first_day: date, days: int) -> HousingRepairsWorld:
    return HousingRepairsWorld(seed=seed, start_date=first_day, days=days, **DEMO_SIZE)


def world_for(seed: int, first_day: date, days: int | None) -> HousingRepairsWorld:
    """The world replayed from first_day to today (at least 30 days), shared by the three stand-ins."""
    span = days if days is not None else max(30, (date.today() - first_day).days + 1)
    return shared_world(seed, first_day, span)


def landing_for(world: HousingRepairsWorld, workdir: Path) -> Landing:
    return Landing(world, Path(workdir) / "landing")


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def add_world_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options every stand-in of the housing world takes from a shell: which world, which days, where files go."""
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-date", type=date.fromisoformat, default=date(2025, 1, 6))
    parser.add_argument("--days", type=int, default=30, help="days of change to replay (default %(default)s)")
    parser.add_argument("--addresses", type=int, default=DEMO_SIZE["n_addresses"])
    parser.add_argument("--properties", type=int, default=DEMO_SIZE["n_properties"])
    parser.add_argument("--residents", type=int, default=None)
    parser.add_argument("--repairs", type=int, default=DEMO_SIZE["n_repairs"], help="repairs before the start date")
    parser.add_argument("--landing", type=Path, default=Path("local/sandbox/landing"), help="the landing folder")
    return parser


def world_from(args: argparse.Namespace) -> HousingRepairsWorld:
    started = time.perf_counter()
    world = HousingRepairsWorld(args.seed, args.start_date, args.days, n_addresses=args.addresses,
                                n_properties=args.properties, n_residents=args.residents,
                                n_repairs=args.repairs)  # fmt: skip
    print(f"world built in {time.perf_counter() - started:.1f}s: {world.counts()}")
    return world


def replay_days(world: HousingRepairsWorld) -> list[date]:
    return [world.start_date + timedelta(days=n) for n in range(world.days)]


def drop_files(
    source: str, describe: str, write: Callable[[Landing, date], list[Path] | Path | None], argv: list[str] | None
) -> int:
    """`data-platform sandbox <source>` for a stand-in that drops files: write every replayed day's, say where."""
    parser = argparse.ArgumentParser(prog=f"data-platform sandbox {source}", description=describe)
    args = add_world_arguments(parser).parse_args(argv)
    landing = Landing(world_from(args), args.landing)
    written: list[Path] = []
    for day in replay_days(landing.world):
        dropped = write(landing, day)
        written += dropped if isinstance(dropped, list) else [dropped] if dropped else []
    print(f"wrote {len(written)} file(s) under {args.landing}; point the connector at it:")
    print(f"  SOURCES__{source.upper()}__LANDING_ROOT={args.landing.resolve()}")
    return 0
