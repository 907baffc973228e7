"""Per-union member tallies for the coverage statistics (issue 3 §8). The services call `refresh()` with the
unions whose members changed, inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable


def refresh(union_ids: Iterable[int]) -> None:
    """Recount the members of these unions. Replaced by the real rollup in this issue's coverage work."""
    return None
