"""The agent program: ``python3 -m maze_sim_agent`` (what the Python agent image runs).

stdout: the map of the walk (a single run on the model's own maze), then exactly one JSON result
line per run, the last line(s) of stdout, on every exit but --help. stderr: the plan, progress,
errors. Exit codes as the TypeScript agent's: 0 solved, 1 not solved, 2 configuration, 3 model
unreachable or bad answers, 4 strategy bug, 130/143 SIGINT/SIGTERM.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from .client import ModelClient
from .config import AgentConfig, read_config, usage
from .errors import AgentError, AgentErrorCode, ExitCode
from .job_env import JobEnvError, job_env_changes
from .load import load_strategy
from .runner import RunOptions, RunResult, Stopped, result_strategy, run_agent
from .strategy import Strategy

#: Failures the next run would meet as well: no further run is started after one.
_STOPS_THE_PROGRAM = frozenset(
    {AgentErrorCode.CONFIG, AgentErrorCode.STRATEGY_LOAD, AgentErrorCode.MODEL_UNREACHABLE, AgentErrorCode.BAD_RESPONSE, AgentErrorCode.ABORTED, AgentErrorCode.DEADLINE}
)


def _line(line: Mapping[str, Any]) -> None:
    sys.stdout.write(json.dumps(line, separators=(",", ":"), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _say(text: str) -> None:
    sys.stderr.write(f"maze-agent-py: {text}\n")
    sys.stderr.flush()


def _failed_before_run(strategy: str | None, err: AgentError, started: float) -> dict[str, Any]:
    return {
        "strategy": strategy,
        "width": None,
        "height": None,
        "seed": None,
        "solved": False,
        "steps": 0,
        "keyStep": None,
        "requests": 0,
        "elapsedMs": round((time.monotonic() - started) * 1000),
        "optimalSteps": None,
        "error": err.code,
        "message": err.message,
    }


def _stop_on_signals() -> None:
    def stop(signum: int, _frame: object) -> None:
        # The run in flight ends with its line (AGENT_ERR_ABORTED); a second signal exits at once.
        signal.signal(signum, signal.SIG_DFL)
        name = signal.Signals(signum).name
        raise Stopped(name, ExitCode.INTERRUPTED if signum == signal.SIGINT else ExitCode.TERMINATED)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def _report(result: RunResult, cfg: AgentConfig) -> None:
    if result.error is not None:
        _say(f"{result.line['error']}: {result.line['message']}")
        if cfg.debug and result.error.__cause__ is not None:
            _say(f"caused by {type(result.error.__cause__).__name__}: {result.error.__cause__}")


def run(env: Mapping[str, str], argv: Sequence[str]) -> int:
    """The program, minus the process exit: returns the exit code."""
    started = time.monotonic()
    try:
        env = {**env, **job_env_changes(env)}
    except JobEnvError as err:
        sys.stderr.write(f"{err}\n")
        return ExitCode.BAD_CONFIG
    try:
        cfg = read_config(env, argv)
    except AgentError as err:
        _say(str(err))
        _line(_failed_before_run(None, err, started))
        return ExitCode.BAD_CONFIG
    if cfg is None:
        sys.stdout.write(usage() + "\n")
        return 0
    _stop_on_signals()
    strategies: list[Strategy] = []
    try:
        for specifier in cfg.strategies:
            strategies.append(load_strategy(specifier))
    except AgentError as err:
        _say(str(err))
        _line(_failed_before_run(specifier, err, started))
        return ExitCode.BAD_CONFIG
    except Stopped as err:
        _line(_failed_before_run(None, err, started))
        return err.exit_code
    deadline = None if cfg.deadline_s is None else started + cfg.deadline_s
    with ModelClient(cfg.url, startup_timeout_s=cfg.startup_timeout_s, request_timeout_s=cfg.request_timeout_s) as client:
        if cfg.episodes is None and cfg.seeds is None:
            if not cfg.quiet:
                _say(f"strategy {result_strategy(strategies[0].name)}, model {cfg.url}")
            options = RunOptions(
                max_steps=cfg.max_steps,
                rng_seed=cfg.seed,
                protocol=cfg.protocol,
                decision_timeout_s=cfg.decision_timeout_s,
                deadline=deadline,
                on_episode=None if cfg.quiet else (lambda id: _say(f"episode {id}")),
            )
            result = run_agent(client, strategies[0], options)
            _report(result, cfg)
            if result.map is not None:
                sys.stdout.write(result.map if result.map.endswith("\n") else result.map + "\n")
            _line(result.line)
            return result.exit_code
        return _many(client, cfg, strategies, deadline)


def _many(client: ModelClient, cfg: AgentConfig, strategies: list[Strategy], deadline: float | None) -> int:
    """One episode per run, one result line each, no maps: every seed by every strategy in turn (strategies vary fastest)."""
    plan: list[tuple[int | None, Strategy]]
    if cfg.seeds is not None:
        plan = [(seed, s) for seed in cfg.seeds for s in strategies]
    else:
        assert cfg.episodes is not None
        plan = [(None, strategies[0])] * cfg.episodes
    if not cfg.quiet:
        names = ",".join(result_strategy(s.name) for s in strategies)
        _say(f"{len(plan)} runs of {names} against {cfg.url}")
    codes: list[int] = []
    for index, (seed, strategy) in enumerate(plan):
        options = RunOptions(
            seed=seed,
            width=cfg.width,
            height=cfg.height,
            max_steps=cfg.max_steps,
            rng_seed=cfg.seed,
            protocol="episodes",
            decision_timeout_s=cfg.decision_timeout_s,
            deadline=deadline,
            draw_map=False,
        )
        if seed is None and cfg.width is None:
            # The model picks the seed: ask for a random one of the model's size, not the model's own maze.
            options = dataclasses.replace(options, seed=int.from_bytes(os.urandom(4), "big"))
        result = run_agent(client, strategy, options)
        _report(result, cfg)
        _line(result.line)
        codes.append(result.exit_code)
        if not cfg.quiet:
            outcome = "solved" if result.line["solved"] else result.line.get("error", result.outcome)
            _say(f"run {index + 1}/{len(plan)} {result.line['strategy']} seed {result.line['seed']}: {outcome}, {result.line['steps']} steps")
        if result.error is not None and isinstance(result.error, AgentError) and result.error.code in _STOPS_THE_PROGRAM:
            if isinstance(result.error, Stopped):
                return result.error.exit_code
            break
    return 0 if all(c == 0 for c in codes) else max(codes)


def main() -> NoReturn:
    code = run(os.environ, sys.argv[1:])
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
