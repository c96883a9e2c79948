"""The built-in strategies, by stable name (the registry)."""

from __future__ import annotations

from typing import Final

from ..strategy import Strategy
from .random_dfs import strategy as random_dfs

STRATEGIES: Final[dict[str, Strategy]] = {random_dfs.name: random_dfs}

__all__ = ["STRATEGIES", "random_dfs"]
