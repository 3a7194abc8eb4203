"""Fast random draws for the simulation's hot paths.

`random.Random.random()` is implemented in C; `randint`, `randrange`, `choice` and `uniform` are Python wrappers with
several calls each. A 100k-application world makes tens of millions of draws, so these go straight to random().
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One of `items`, uniformly."""
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    """An integer in [low, high], uniformly."""
    return low + int(rng.random() * (high - low + 1))


def uniform(rng: random.Random, low: float, high: float) -> float:
    return low + (high - low) * rng.random()
