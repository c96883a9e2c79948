"""Loading a strategy by specifier: a built-in name, a module name (``my_team.strategy`` or
``my_team.strategy:attribute``) or a ``.py`` file. A module exports its strategy as ``strategy``.
A failure says which specifier failed, with the original error as the cause (AGENT_ERR_STRATEGY_LOAD).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

from .errors import AgentError, AgentErrorCode
from .runner import PYTHON_PREFIX
from .strategies import STRATEGIES
from .strategy import Strategy, is_strategy


def load_strategy(specifier: str) -> Strategy:
    """The strategy a specifier names."""
    name = specifier.removeprefix(PYTHON_PREFIX)
    if name in STRATEGIES:
        return STRATEGIES[name]
    module_name, _, attribute = name.partition(":") if not name.endswith(".py") else (name, "", "")
    try:
        if module_name.endswith(".py") or "/" in module_name:
            path = Path(module_name).resolve()
            spec = importlib.util.spec_from_file_location(f"maze_sim_strategy_{path.stem}", path)
            if spec is None or spec.loader is None:
                raise ImportError(f"no module at {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(module_name)
    except Exception as err:
        raise AgentError(
            AgentErrorCode.STRATEGY_LOAD,
            f"could not load the strategy {specifier!r}: {type(err).__name__}: {err} (built in: {', '.join(STRATEGIES)})",
        ) from err
    value = getattr(module, attribute or "strategy", None)
    if not is_strategy(value):
        raise AgentError(
            AgentErrorCode.STRATEGY_LOAD,
            f"the module {module_name!r} has no strategy {attribute or 'strategy'!r} (an object with a name and create(context))",
        )
    return value  # type: ignore[return-value]
