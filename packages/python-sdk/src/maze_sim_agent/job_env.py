"""What an AWS Batch job's agent container derives from the variables Batch sets, before the program
reads its configuration: the Python port of packages/batch/src/job-env.ts (the Node images run that
as a preload through NODE_OPTIONS, which a Python program ignores). Same rules, same messages:

- an array child (AWS_BATCH_JOB_ARRAY_INDEX = i) with MAZE_SWEEP_STRATEGIES = s0,...,s(n-1) runs
  AGENT_STRATEGY = s(i mod n); with MAZE_SEED_BASE = b, MAZE_SEED = b + floor(i / n) (mod 2^32);
- a packed child (MAZE_SWEEP_SEEDS, MAZE_SEEDS_PER_CHILD) plays AGENT_SEEDS = its slice of the seeds;
- MAZE_PORT_FROM_JOB = true moves the model to a port derived from AWS_BATCH_JOB_ID: MAZE_URL.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

MAX_SEED: Final = 4_294_967_295
MAX_SWEEP_SEEDS: Final = 1_000_000
MAX_SEEDS_PER_CHILD: Final = 10_000


class JobEnvError(Exception):
    """A bad value (in a container: the message on stderr, exit code 2)."""


def _fail(message: str) -> None:
    raise JobEnvError(f"maze-sim batch preload: {message}")


def parse_seed_list(text: str, limit: int = 1_000_000) -> list[int] | str:
    """The seeds of ``1-200,500`` in the order written, or a sentence saying what is wrong (@maze-sim/maze parseSeedList)."""
    seeds: list[int] = []
    for raw in text.split(","):
        item = raw.strip()
        head, sep, tail = item.partition("-")
        if not head.isdigit() or len(head) > 10 or (sep and (not tail.isdigit() or len(tail) > 10)) or not head.isascii():
            return f"{item!r} is not a seed or a range FROM-TO of seeds"
        start = int(head)
        end = int(tail) if sep else start
        if end > MAX_SEED:
            return f"{item}: seeds go from 0 to {MAX_SEED}"
        if end < start:
            return f"the range {item} runs backwards"
        if len(seeds) + (end - start + 1) > limit:
            return f"more than {limit} seeds"
        seeds.extend(range(start, end + 1))
    return seeds


def format_seed_list(seeds: list[int]) -> str:
    """Runs of consecutive seeds as ranges: ``[1, 2, 3, 7]`` is ``1-3,7``."""
    parts: list[str] = []
    i = 0
    while i < len(seeds):
        j = i
        while j + 1 < len(seeds) and seeds[j + 1] == seeds[j] + 1:
            j += 1
        parts.append(str(seeds[i]) if j == i else f"{seeds[i]}-{seeds[j]}")
        i = j + 1
    return ",".join(parts)


def strategy_list(value: str | None) -> list[str]:
    return [s.strip() for s in (value or "").split(",") if s.strip()]


def _array_child(env: Mapping[str, str], raw: str, changes: dict[str, str]) -> None:
    if not (raw.isdigit() and len(raw) <= 5):
        _fail(f"AWS_BATCH_JOB_ARRAY_INDEX={raw} is not an array index")
    strategies = strategy_list(env.get("MAZE_SWEEP_STRATEGIES"))
    n = max(1, len(strategies))
    index = int(raw)
    if strategies:
        changes["AGENT_STRATEGY"] = strategies[index % n]
    base = env.get("MAZE_SEED_BASE", "").strip()
    if base == "":
        return
    if not (base.isdigit() and len(base) <= 10) or int(base) > MAX_SEED:
        _fail(f"MAZE_SEED_BASE={base} is not an integer from 0 to {MAX_SEED}")
    changes["MAZE_SEED"] = str((int(base) + index // n) % (MAX_SEED + 1))


def _packed_child(env: Mapping[str, str], raw: str, changes: dict[str, str]) -> None:
    seeds_text = env.get("MAZE_SWEEP_SEEDS", "").strip()
    per_child_text = env.get("MAZE_SEEDS_PER_CHILD", "").strip()
    if seeds_text == "":
        _fail(f"MAZE_SEEDS_PER_CHILD={per_child_text} needs MAZE_SWEEP_SEEDS (the packed job's seeds)")
    if per_child_text == "":
        _fail(f"MAZE_SWEEP_SEEDS={seeds_text} needs MAZE_SEEDS_PER_CHILD (whole seeds per child)")
    for other in ("MAZE_SEED_BASE", "MAZE_SWEEP_STRATEGIES"):
        if env.get(other, "").strip() != "":
            _fail(f"{other} is for one-run children; a packed job (MAZE_SWEEP_SEEDS) takes its seeds from MAZE_SWEEP_SEEDS and its strategies from AGENT_STRATEGY")
    seeds = parse_seed_list(seeds_text, MAX_SWEEP_SEEDS)
    if isinstance(seeds, str):
        _fail(f"MAZE_SWEEP_SEEDS={seeds_text}: {seeds}")
        return
    if not seeds:
        _fail("MAZE_SWEEP_SEEDS lists no seeds")
    if not (per_child_text.isdigit() and len(per_child_text) <= 5) or not 1 <= int(per_child_text) <= MAX_SEEDS_PER_CHILD:
        _fail(f"MAZE_SEEDS_PER_CHILD={per_child_text} is not a whole number from 1 to {MAX_SEEDS_PER_CHILD}")
    per_child = int(per_child_text)
    children = math.ceil(len(seeds) / per_child)
    if raw == "" and children > 1:
        _fail(
            f"AWS_BATCH_JOB_ARRAY_INDEX is not set, but MAZE_SWEEP_SEEDS and MAZE_SEEDS_PER_CHILD make {children} children: submit it as an array job of {children}"
        )
    if raw != "" and not (raw.isdigit() and len(raw) <= 5):
        _fail(f"AWS_BATCH_JOB_ARRAY_INDEX={raw} is not an array index")
    index = 0 if raw == "" else int(raw)
    if index >= children:
        _fail(f"AWS_BATCH_JOB_ARRAY_INDEX={raw} is beyond the {children} children that MAZE_SWEEP_SEEDS and MAZE_SEEDS_PER_CHILD={per_child} make")
    changes["AGENT_SEEDS"] = format_seed_list(seeds[index * per_child : (index + 1) * per_child])


def _job_port(env: Mapping[str, str], changes: dict[str, str]) -> None:
    job_id = env.get("AWS_BATCH_JOB_ID", "").strip()
    if job_id == "":
        _fail("MAZE_PORT_FROM_JOB=true needs AWS_BATCH_JOB_ID (set by AWS Batch)")
    job, _, index = job_id.partition(":")
    h = 2166136261
    for c in job:  # job ids are ASCII; the TypeScript one hashes each character's first UTF-16 unit
        h = ((h ^ ord(c)) * 16777619) & 0xFFFFFFFF
    port = 10000 + ((h + int(index or "0")) % 22000)
    changes["PORT"] = str(port)
    changes["MAZE_URL"] = f"http://127.0.0.1:{port}"


def job_env_changes(env: Mapping[str, str]) -> dict[str, str]:
    """What the job's variables set; raises JobEnvError naming the variable for a bad value."""
    changes: dict[str, str] = {}
    index = env.get("AWS_BATCH_JOB_ARRAY_INDEX", "").strip()
    if env.get("MAZE_SWEEP_SEEDS", "").strip() != "" or env.get("MAZE_SEEDS_PER_CHILD", "").strip() != "":
        _packed_child(env, index, changes)
    elif index != "":
        _array_child(env, index, changes)
    if env.get("MAZE_PORT_FROM_JOB", "").strip() == "true":
        _job_port(env, changes)
    return changes
