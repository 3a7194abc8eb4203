"""Fixtures for the Tascomi sandbox tests: small worlds, one served over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from sandbox.tascomi.server import TascomiSandbox
from sandbox.tascomi.world import TascomiWorld

START = date(2025, 1, 6)
SMALL = {"seed": 11, "start_date": START, "initial_applications": 150, "daily_new_applications": 6}
# A world four weeks past its start, big enough that every table and life event shows up: shared, read-only.
SERVED_AS_OF = date(2025, 2, 3)


def small_world(**overrides: object) -> TascomiWorld:
    return TascomiWorld(**{**SMALL, **overrides})


@pytest.fixture
def make_world() -> Callable[..., TascomiWorld]:
    return small_world


@pytest.fixture(scope="session")
def served_world() -> TascomiWorld:
    """Do not advance or change it: several test modules read it."""
    world = TascomiWorld(seed=5, start_date=START, initial_applications=1500, daily_new_applications=12)
    world.advance_to(SERVED_AS_OF)
    return world


@pytest.fixture
def server() -> Iterator[TascomiSandbox]:
    """A fresh sandbox per test: faults and the request log start clean."""
    with TascomiSandbox(small_world(), page_size=20) as sandbox:
        sandbox.set_today(date(2025, 1, 20))
        yield sandbox
