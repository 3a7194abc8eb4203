"""Finding the error that explains a failure inside the chains dlt and dbt wrap around it."""

from __future__ import annotations


def find_cause(error: BaseException, *kinds: type[BaseException]) -> BaseException | None:
    """The first error of one of `kinds` in the cause/context chain. Chains can loop (an error re-raised from
    its own wrapper), so each error is visited once."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kinds):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
