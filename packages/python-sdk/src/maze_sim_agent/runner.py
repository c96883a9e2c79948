"""The runner, the agent's body: plays one run with a strategy and returns the result line.

Against a model with episodes the model moves the agent and keeps the score (the result's figures
are the referee's, from ``GET /episodes/:id``); against one without them (the original Flask model)
the classic routes are walked and counted here. The result line has the TypeScript agent's keys, in
its order (packages/agent/src/result.ts), and its exit codes.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from .client import EpisodeObservation, ModelClient, Protocol
from .errors import AgentError, AgentErrorCode, ExitCode, ModelError, exit_code_of
from .rng import create_rng
from .strategy import DX, DY, Direction, Explorer, Label, Observation, Point, Strategy, StrategyContext

#: Our runner's strategies carry this prefix in results and in the referee's label (the TypeScript
#: agent's label is ``maze-agent:<name>``; ours ``maze-agent:python:<name>``), so a leaderboard keeps a
#: Python strategy apart from a TypeScript one of the same name.
PYTHON_PREFIX: Final = "python:"
RESULT_KEYS: Final = ("strategy", "width", "height", "seed", "solved", "steps", "keyStep", "requests", "elapsedMs", "optimalSteps")


def result_strategy(name: str) -> str:
    """The ``strategy`` of a result line: ``python:<name>``."""
    return name if name.startswith(PYTHON_PREFIX) else PYTHON_PREFIX + name


def agent_label(name: str) -> str:
    """The referee's ``agent`` label: ``maze-agent:python:<name>`` (what ``strategyOfLabel`` reads back as ``python:<name>``)."""
    return f"maze-agent:{result_strategy(name)}"[:64]


def default_max_steps(width: int, height: int) -> int:
    """The TypeScript agent's default step limit: 20 x area + 1000."""
    return 20 * width * height + 1000


Outcome = Literal["solved", "gave-up", "step-limit", "failed"]


@dataclass(slots=True)
class RunResult:
    """A run's result line (``line``), its outcome, the map drawn (single runs on the model's own maze) and its exit code."""

    line: dict[str, Any]
    outcome: Outcome
    exit_code: int
    map: str | None = None
    error: BaseException | None = None


@dataclass(slots=True)
class _Progress:
    strategy: str | None
    width: int | None = None
    height: int | None = None
    seed: int | None = None
    steps: int = 0
    key_step: int | None = None
    optimal_steps: int | None = None
    requests_before: int = 0
    started: float = field(default_factory=time.monotonic)


def _failed_line(p: _Progress, client: ModelClient, err: BaseException) -> dict[str, Any]:
    code = err.code if isinstance(err, AgentError) else AgentErrorCode.STRATEGY_FAILED
    message = err.message if isinstance(err, AgentError) else f"{type(err).__name__}: {err}"
    return {
        "strategy": p.strategy,
        "width": p.width,
        "height": p.height,
        "seed": p.seed,
        "solved": False,
        "steps": p.steps,
        "keyStep": p.key_step,
        "requests": client.requests - p.requests_before,
        "elapsedMs": round((time.monotonic() - p.started) * 1000),
        "optimalSteps": p.optimal_steps,
        "error": code,
        "message": message,
    }


class DecisionTimeout(AgentError):
    def __init__(self, budget_s: float) -> None:
        super().__init__(AgentErrorCode.DECISION_TIMEOUT, f"the strategy took more than {budget_s * 1000:g} ms to decide")


@contextmanager
def _budget(seconds: float | None) -> Iterator[None]:
    """Interrupts the strategy after ``seconds`` (SIGALRM; main thread only, pure-Python code)."""
    if seconds is None or seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return
    budget: float = seconds

    def expired(_signum: int, _frame: object) -> None:
        raise DecisionTimeout(budget)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _decide(explorer: Explorer, observation: Observation, budget_s: float | None) -> Direction | None:
    try:
        with _budget(budget_s):
            d = explorer.next(observation)
    except AgentError:
        raise
    except Exception as err:
        raise AgentError(AgentErrorCode.STRATEGY_FAILED, f"the strategy's next() raised {type(err).__name__}: {err}") from err
    if d is not None and d not in (0, 1, 2, 3):
        raise AgentError(AgentErrorCode.ILLEGAL_MOVE, f"the strategy returned {d!r}, not a direction (0 up, 1 right, 2 down, 3 left) or None")
    return d


def _check_move(o: Observation, d: Direction, width: int, height: int) -> None:
    nx, ny = o.x + DX[d], o.y + DY[d]
    if not o.open[d] or nx < 0 or ny < 0 or nx >= width or ny >= height:
        names = ("up", "right", "down", "left")
        raise AgentError(AgentErrorCode.ILLEGAL_MOVE, f"move {names[d]} from ({o.x}, {o.y}) goes through a wall or out of the grid")


@dataclass(frozen=True, slots=True)
class RunOptions:
    """One run: which maze (None: the model's own), the step limit, the RNG seed, the budgets."""

    seed: int | None = None
    width: int | None = None
    height: int | None = None
    max_steps: int | None = None
    rng_seed: int | None = None
    protocol: Protocol = "auto"
    decision_timeout_s: float | None = 5.0
    deadline: float | None = None
    draw_map: bool = True
    #: The most moves sent in one request (moves into cells already sensed are batched).
    max_batch: int = 1000
    on_episode: Callable[[str], None] | None = None


def run_agent(client: ModelClient, strategy: Strategy, options: RunOptions = RunOptions()) -> RunResult:
    """Plays one run. Never raises for a run's failure: the result line then carries ``error`` and ``message``."""
    p = _Progress(strategy=result_strategy(strategy.name), requests_before=client.requests)
    episode_id: str | None = None
    try:
        own = options.seed is None and options.width is None
        meta = client.meta() if own else None
        if options.protocol == "classic" or (options.protocol == "auto" and not client.has_episodes()):
            if not own:
                raise AgentError(AgentErrorCode.CONFIG, "a chosen seed or size needs a model with episodes")
            return _classic(client, strategy, options, p, meta.seed if meta else None, meta.optimal_steps if meta else None)
        if options.protocol == "episodes" and not client.has_episodes():
            raise AgentError(AgentErrorCode.CONFIG, f"the model at {client.url} does not offer episodes (GET /episodes)")
        p.requests_before = client.requests
        seed = options.seed if options.seed is not None else (meta.seed if meta else None)
        width = options.width if options.width is not None else (meta.width if meta else None)
        height = options.height if options.height is not None else (meta.height if meta else None)
        episode = client.create_episode(seed=seed, width=width, height=height, max_steps=options.max_steps, agent=agent_label(strategy.name))
        episode_id = episode.id
        if options.on_episode is not None:
            options.on_episode(episode.id)
        p.width, p.height, p.seed, p.optimal_steps = episode.width, episode.height, episode.seed, episode.optimal_steps
        rng_seed = options.rng_seed if options.rng_seed is not None else (episode.seed if episode.seed is not None else int(time.time_ns()) & 0xFFFFFFFF)
        o = episode.first.observation
        context = StrategyContext(episode.width, episode.height, Point(o.x, o.y), create_rng(rng_seed))
        try:
            with _budget(options.decision_timeout_s):
                explorer = strategy.create(context)
        except AgentError:
            raise
        except Exception as err:
            raise AgentError(AgentErrorCode.STRATEGY_FAILED, f"the strategy's create() raised {type(err).__name__}: {err}") from err
        visited: list[tuple[int, int]] = [(o.x, o.y)]
        visited_set = {(o.x, o.y)}
        # What the agent has sensed of every cell it stood on: a move into one of them needs no
        # request to know what comes next, so moves are sent in batches (API.md: "1 or more").
        book: dict[tuple[int, int], tuple[Label, tuple[bool, bool, bool, bool]]] = {(o.x, o.y): (o.here, o.open)}
        done, outcome = episode.first.done, "step-limit"
        pending: list[Direction] = []
        predicted: list[Observation | None] = []
        while not done:
            if options.deadline is not None and time.monotonic() > options.deadline:
                raise AgentError(AgentErrorCode.DEADLINE, "the run took longer than its budget (AGENT_DEADLINE_MS)")
            d = _decide(explorer, o, options.decision_timeout_s)
            if d is None:
                outcome = "gave-up"
            else:
                _check_move(o, d, episode.width, episode.height)
                nx, ny = o.x + DX[d], o.y + DY[d]
                pending.append(d)
                known = book.get((nx, ny))
                if known is not None:
                    has_key = o.has_key or known[0] == "K"
                    o = Observation(nx, ny, known[0], known[1], has_key, o.steps + 1)
                    predicted.append(o)
                    ends = (o.here == "E" and has_key) or o.steps >= episode.max_steps
                    if not ends and len(pending) < options.max_batch:
                        continue
                else:
                    predicted.append(None)
            if pending:
                observations = _send(client, episode.id, pending)
                for i, (guess, got) in enumerate(zip(predicted, observations, strict=True)):
                    seen = got.observation
                    if guess is not None and guess != seen:
                        raise AgentError(AgentErrorCode.BAD_RESPONSE, f"move {i + 1} of a batch: the model answered {seen}, but the cell was sensed as {guess}")
                    book.setdefault((seen.x, seen.y), (seen.here, seen.open))
                    if (seen.x, seen.y) not in visited_set:
                        visited_set.add((seen.x, seen.y))
                        visited.append((seen.x, seen.y))
                    if seen.has_key and p.key_step is None:
                        p.key_step = seen.steps
                o, done = observations[-1].observation, observations[-1].done
                p.steps = o.steps
                pending.clear()
                predicted.clear()
            if d is None:
                break
        record = client.record(episode.id)
        if outcome == "gave-up":
            try:
                client.delete_episode(episode.id)
            except (AgentError, ModelError):
                pass
        episode_id = None
        solved = record.get("status") == "solved"
        p.steps = int(record.get("steps", p.steps))
        p.key_step = record.get("keyStep", p.key_step)
        if p.seed is None and isinstance(record.get("seed"), int):
            p.seed = record["seed"]
        if p.optimal_steps is None and isinstance(record.get("optimalSteps"), int):
            p.optimal_steps = record["optimalSteps"]
        drawn = None
        if options.draw_map and meta is not None and (meta.seed, meta.width, meta.height) == (episode.seed, episode.width, episode.height):
            drawn = _map(client, visited)
        return _finished(client, p, solved, "solved" if solved else outcome, drawn)
    except (Exception, KeyboardInterrupt) as err:
        if episode_id is not None:
            _abandon(client, episode_id)
        return _failure(client, p, err)


def _send(client: ModelClient, episode_id: str, moves: list[Direction]) -> tuple[EpisodeObservation, ...]:
    """One ``/moves`` request for the batch (several when the model takes fewer at once: MAZE_ERR_TOO_MANY_MOVES "at most N"), checked."""
    try:
        answers = [client.moves(episode_id, moves)]
    except ModelError as err:
        most = re.search(r"at most (\d+)", err.message) if err.code == "MAZE_ERR_TOO_MANY_MOVES" else None
        if most is None or int(most.group(1)) < 1:
            raise
        n = int(most.group(1))
        answers = []
        for i in range(0, len(moves), n):
            answers.append(client.moves(episode_id, moves[i : i + n]))
            if answers[-1].bumped or answers[-1].applied != len(moves[i : i + n]):
                break
    applied = sum(a.applied for a in answers)
    observations = tuple(ob for a in answers for ob in a.observations)
    if any(a.bumped for a in answers) or applied != len(moves) or len(observations) != len(moves):
        raise AgentError(
            AgentErrorCode.BAD_RESPONSE,
            f"the model made {applied} of {len(moves)} moves through sides it said were open (bumped: {any(a.bumped for a in answers)})",
        )
    return observations


def _finished(client: ModelClient, p: _Progress, solved: bool, outcome: str, drawn: str | None) -> RunResult:
    line = {
        "strategy": p.strategy,
        "width": p.width,
        "height": p.height,
        "seed": p.seed,
        "solved": solved,
        "steps": p.steps,
        "keyStep": p.key_step,
        "requests": client.requests - p.requests_before,
        "elapsedMs": round((time.monotonic() - p.started) * 1000),
        "optimalSteps": p.optimal_steps,
    }
    return RunResult(line, outcome, ExitCode.SOLVED if solved else ExitCode.NOT_SOLVED, drawn)  # type: ignore[arg-type]


def _failure(client: ModelClient, p: _Progress, err: BaseException) -> RunResult:
    if isinstance(err, KeyboardInterrupt) and not isinstance(err, AgentError):
        err = AgentError(AgentErrorCode.ABORTED, "stopped by SIGINT")
    if isinstance(err, ModelError):
        wrapped = AgentError(AgentErrorCode.BAD_RESPONSE, str(err))
        wrapped.__cause__ = err
        err = wrapped
    code = exit_code_of(err)
    if isinstance(err, AgentError) and err.code == AgentErrorCode.ABORTED and isinstance(err, Stopped):
        code = err.exit_code
    return RunResult(_failed_line(p, client, err), "failed", code, None, err)


class Stopped(AgentError):
    """SIGTERM or SIGINT: the run in flight ends with its line, exit 143 or 130."""

    def __init__(self, signame: str, exit_code: int) -> None:
        super().__init__(AgentErrorCode.ABORTED, f"stopped by {signame}")
        self.exit_code = exit_code


def _abandon(client: ModelClient, episode_id: str) -> None:
    """Best effort, bounded: the model frees the episode (it would abandon it after its idle time anyway)."""
    retries, timeout = client.retries, client.request_timeout_s
    client.retries, client.request_timeout_s = 0, min(timeout, 2.0)
    client.close()  # a fresh connection: the run may have stopped mid-request
    try:
        client.delete_episode(episode_id)
    except (Exception, KeyboardInterrupt):
        pass
    finally:
        client.close()
        client.retries, client.request_timeout_s = retries, timeout


def _map(client: ModelClient, visited: list[tuple[int, int]]) -> str | None:
    try:
        return client.post_map(visited)
    except (AgentError, ModelError, OSError):
        return None


def _classic(client: ModelClient, strategy: Strategy, options: RunOptions, p: _Progress, seed: int | None, optimal: int | None) -> RunResult:
    """The classic routes: the runner senses each cell, moves and counts (the original contract)."""
    p.seed, p.optimal_steps = seed, optimal
    p.width, p.height = client.size()
    start = client.start()
    width, height = p.width, p.height
    max_steps = options.max_steps if options.max_steps is not None else default_max_steps(width, height)
    rng_seed = options.rng_seed if options.rng_seed is not None else (seed if seed is not None else int(time.time_ns()) & 0xFFFFFFFF)
    explorer = strategy.create(StrategyContext(width, height, start, create_rng(rng_seed)))
    x, y, has_key = start.x, start.y, False
    visited: list[tuple[int, int]] = [(x, y)]
    seen = {(x, y)}
    outcome: str = "step-limit"
    while True:
        cell = client.pos(x, y)
        if cell.here == "K" and not has_key:
            has_key, p.key_step = True, p.steps
        if cell.here == "E" and has_key:
            outcome = "solved"
            break
        if p.steps >= max_steps:
            break
        if options.deadline is not None and time.monotonic() > options.deadline:
            raise AgentError(AgentErrorCode.DEADLINE, "the run took longer than its budget (AGENT_DEADLINE_MS)")
        o = Observation(x, y, cell.here, tuple(not w for w in cell.walls), has_key, p.steps)  # type: ignore[arg-type]
        d = _decide(explorer, o, options.decision_timeout_s)
        if d is None:
            outcome = "gave-up"
            break
        _check_move(o, d, width, height)
        x, y = x + DX[d], y + DY[d]
        p.steps += 1
        if (x, y) not in seen:
            seen.add((x, y))
            visited.append((x, y))
    drawn = _map(client, visited) if options.draw_map else None
    return _finished(client, p, outcome == "solved", outcome, drawn)
