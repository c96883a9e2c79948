"""The program's configuration: read once, from the environment and the command line, with the
TypeScript agent's variable names, defaults and rules (packages/agent/src/config.ts). A flag
overrides its variable; an empty variable counts as unset (compose leaves them empty). A bad value
is an AgentError AGENT_ERR_CONFIG naming the variable (exit 2). Nothing else reads the environment.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from .client import DEFAULT_URL, Protocol
from .errors import AgentError, AgentErrorCode
from .job_env import MAX_SEED, parse_seed_list

DEFAULT_STRATEGY: Final = "random-dfs"


@dataclass(frozen=True, slots=True)
class AgentConfig:
    url: str
    #: AGENT_STRATEGY: a built-in name (``random-dfs``, or ``python:random-dfs``), a module (``my_team.strategy``), a ``.py`` file; with seeds, several comma-separated.
    strategies: tuple[str, ...]
    protocol: Protocol
    episodes: int | None
    seeds: tuple[int, ...] | None
    width: int | None
    height: int | None
    max_steps: int | None
    seed: int | None
    startup_timeout_s: float
    request_timeout_s: float
    decision_timeout_s: float
    deadline_s: float | None
    quiet: bool
    debug: bool


#: (variable, flag, help): every setting, in --help's order.
OPTIONS: Final = (
    ("MAZE_URL", "url", f"the model's base URL (default {DEFAULT_URL})"),
    ("AGENT_STRATEGY", "strategy", f"a built-in name, a module or a .py file; with --seeds a comma-separated list (default {DEFAULT_STRATEGY})"),
    ("AGENT_PROTOCOL", "protocol", "auto (episodes when the model offers them), classic or episodes (default auto)"),
    ("AGENT_EPISODES", "episodes", "play N episodes on seeds the model picks: one result line each"),
    ("AGENT_SEEDS", "seeds", "play one episode per seed: 1,5,9 or 100-299 or both mixed"),
    ("AGENT_WIDTH", "width", "the episodes' width (with --episodes or --seeds; both or neither)"),
    ("AGENT_HEIGHT", "height", "the episodes' height"),
    ("AGENT_MAX_STEPS", "max-steps", "step limit (default: the model's)"),
    ("AGENT_SEED", "seed", "seed of the strategy's RNG (default: the maze's seed)"),
    ("AGENT_STARTUP_TIMEOUT_MS", "startup-timeout-ms", "total wait for the model to come up (default 60000)"),
    ("AGENT_REQUEST_TIMEOUT_MS", "request-timeout-ms", "one request's timeout (default 10000)"),
    ("AGENT_DECISION_TIMEOUT_MS", "decision-timeout-ms", "the strategy's budget per move (default 5000)"),
    ("AGENT_DEADLINE_MS", "deadline-ms", "the whole program's budget (default 0: none)"),
)


def _bad(name: str, value: str, allowed: str) -> AgentError:
    return AgentError(AgentErrorCode.CONFIG, f"{name}={value!r} is not valid: {allowed}")


def _integer(name: str, value: str | None, lo: int, hi: int) -> int | None:
    if value is None:
        return None
    if not value.strip().isdigit() or not lo <= int(value) <= hi:
        raise _bad(name, value, f"a whole number from {lo} to {hi}")
    return int(value)


def usage() -> str:
    lines = ["Usage: python3 -m maze_sim_agent [options]", "", "Plays a maze served by the maze model with a Python strategy; prints the map and a JSON result line.", ""]
    for env, flag, text in OPTIONS:
        lines.append(f"  --{flag:<22} {env:<26} {text}")
    lines += ["  -q, --quiet              no progress on stderr", "  -h, --help               this text", "", "Exit codes: 0 solved, 1 not solved, 2 configuration, 3 model unreachable, 4 strategy bug, 130/143 signals."]
    return "\n".join(lines)


def read_config(env: Mapping[str, str], argv: Sequence[str]) -> AgentConfig | None:
    """The configuration, or None for --help."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    for _, flag, _ in OPTIONS:
        parser.add_argument(f"--{flag}", dest=flag)
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("-h", "--help", action="store_true")
    args, unknown = parser.parse_known_args(list(argv))
    if unknown:
        raise AgentError(AgentErrorCode.CONFIG, f"unknown argument {unknown[0]!r} (try --help)")
    if args.help:
        return None
    values: dict[str, str | None] = {}
    for var, flag, _ in OPTIONS:
        given = getattr(args, flag)
        value = given if given is not None else env.get(var)
        name = f"--{flag}" if given is not None else var
        if value is not None and value != "" and value.strip() == "":
            raise _bad(name, value, "not blank")
        values[var] = None if value in (None, "") else value.strip()

    url = values["MAZE_URL"] or DEFAULT_URL
    if not url.startswith(("http://", "https://")):
        raise _bad("MAZE_URL", url, "an http:// or https:// URL")
    strategies = tuple(s.strip() for s in (values["AGENT_STRATEGY"] or DEFAULT_STRATEGY).split(","))
    if any(s == "" for s in strategies):
        raise _bad("AGENT_STRATEGY", values["AGENT_STRATEGY"] or "", "no empty item in the list")
    if len(set(strategies)) != len(strategies):
        raise _bad("AGENT_STRATEGY", values["AGENT_STRATEGY"] or "", "each strategy once")
    protocol = values["AGENT_PROTOCOL"] or "auto"
    if protocol not in ("auto", "classic", "episodes"):
        raise _bad("AGENT_PROTOCOL", protocol, "auto, classic or episodes")
    episodes = _integer("AGENT_EPISODES", values["AGENT_EPISODES"], 1, MAX_SEED + 1)
    seeds: tuple[int, ...] | None = None
    if values["AGENT_SEEDS"] is not None:
        parsed = parse_seed_list(values["AGENT_SEEDS"])
        if isinstance(parsed, str):
            raise _bad("AGENT_SEEDS", values["AGENT_SEEDS"], parsed)
        seeds = tuple(parsed)
    width = _integer("AGENT_WIDTH", values["AGENT_WIDTH"], 1, 10_000)
    height = _integer("AGENT_HEIGHT", values["AGENT_HEIGHT"], 1, 10_000)
    many = episodes is not None or seeds is not None
    if episodes is not None and seeds is not None:
        raise AgentError(AgentErrorCode.CONFIG, "AGENT_EPISODES and AGENT_SEEDS exclude each other")
    if (width is None) != (height is None):
        raise AgentError(AgentErrorCode.CONFIG, "AGENT_WIDTH and AGENT_HEIGHT go together: both or neither")
    if width is not None and not many:
        raise AgentError(AgentErrorCode.CONFIG, "AGENT_WIDTH and AGENT_HEIGHT need AGENT_EPISODES or AGENT_SEEDS")
    if many and protocol == "classic":
        raise AgentError(AgentErrorCode.CONFIG, "AGENT_PROTOCOL=classic plays one run: not with AGENT_EPISODES or AGENT_SEEDS")
    if len(strategies) > 1 and seeds is None:
        raise AgentError(AgentErrorCode.CONFIG, "several strategies need AGENT_SEEDS (every seed is played by each)")
    deadline_ms = _integer("AGENT_DEADLINE_MS", values["AGENT_DEADLINE_MS"], 0, 86_400_000 * 7)
    return AgentConfig(
        url=url,
        strategies=strategies,
        protocol=protocol,  # type: ignore[arg-type]
        episodes=episodes,
        seeds=seeds,
        width=width,
        height=height,
        max_steps=_integer("AGENT_MAX_STEPS", values["AGENT_MAX_STEPS"], 1, 2**31 - 1),
        seed=_integer("AGENT_SEED", values["AGENT_SEED"], 0, MAX_SEED),
        startup_timeout_s=(_integer("AGENT_STARTUP_TIMEOUT_MS", values["AGENT_STARTUP_TIMEOUT_MS"], 0, 86_400_000) or 60_000) / 1000,
        request_timeout_s=(_integer("AGENT_REQUEST_TIMEOUT_MS", values["AGENT_REQUEST_TIMEOUT_MS"], 1, 86_400_000) or 10_000) / 1000,
        decision_timeout_s=(_integer("AGENT_DECISION_TIMEOUT_MS", values["AGENT_DECISION_TIMEOUT_MS"], 1, 86_400_000) or 5_000) / 1000,
        deadline_s=None if not deadline_ms else deadline_ms / 1000,
        quiet=bool(args.quiet),
        debug=env.get("DEBUG", "") != "",
    )
