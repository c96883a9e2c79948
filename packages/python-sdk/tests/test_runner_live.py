"""The runner and the program against a real model: the result line and exit codes of the TypeScript agent."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import unittest
from pathlib import Path

from maze_sim_agent import RESULT_KEYS, ModelClient, ModelError, RunOptions, load_strategy, random_dfs, run_agent

from .live import MODEL_HEIGHT, MODEL_SEED, MODEL_URL, MODEL_WIDTH, needs_model

SDK = Path(__file__).resolve().parent.parent


def program(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python3 -m maze_sim_agent`` as a process, with the SDK and the tests importable."""
    full = {**os.environ, "PYTHONPATH": f"{SDK / 'src'}{os.pathsep}{SDK}", **env}
    return subprocess.run([sys.executable, "-m", "maze_sim_agent", *args], env=full, capture_output=True, text=True, timeout=timeout)


def last_line(stdout: str) -> dict[str, object]:
    return json.loads(stdout.strip().split("\n")[-1])  # type: ignore[no-any-return]


@needs_model
class RunAgentTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = ModelClient(MODEL_URL)
        self.addCleanup(self.client.close)

    def test_solves_the_models_maze_with_the_referees_figures(self) -> None:
        ids: list[str] = []
        result = run_agent(self.client, random_dfs, RunOptions(on_episode=ids.append))
        self.assertEqual(tuple(result.line), RESULT_KEYS)
        self.assertEqual(result.exit_code, 0)
        line = result.line
        self.assertEqual((line["strategy"], line["width"], line["height"], line["seed"], line["solved"]), ("python:random-dfs", MODEL_WIDTH, MODEL_HEIGHT, MODEL_SEED, True))
        record = self.client.record(ids[0])
        self.assertEqual((record["agent"], record["status"], record["steps"], record["keyStep"]), ("maze-agent:python:random-dfs", "solved", line["steps"], line["keyStep"]))
        assert result.map is not None
        self.assertEqual(len(result.map.strip("\n").split("\n")), 2 * MODEL_HEIGHT + 1)
        for label in ("S", "K", "E", "*"):
            self.assertIn(label, result.map)

    def test_the_classic_routes_walk_the_same_way(self) -> None:
        episodes = run_agent(self.client, random_dfs, RunOptions(protocol="episodes"))
        classic = run_agent(self.client, random_dfs, RunOptions(protocol="classic"))
        for key in ("solved", "steps", "keyStep", "seed", "optimalSteps"):
            self.assertEqual(classic.line[key], episodes.line[key], key)

    def test_strategy_bugs_are_exit_4_and_free_the_episode(self) -> None:
        for name, code in (("raising", "AGENT_ERR_STRATEGY_FAILED"), ("illegal", "AGENT_ERR_ILLEGAL_MOVE")):
            with self.subTest(strategy=name):
                ids: list[str] = []
                result = run_agent(self.client, load_strategy(f"tests.strategies_for_tests:{name}"), RunOptions(seed=5, width=10, height=5, on_episode=ids.append))
                self.assertEqual((result.exit_code, result.line["error"], result.line["solved"]), (4, code, False))
                self.assertEqual(tuple(result.line)[: len(RESULT_KEYS)], RESULT_KEYS)
                with self.assertRaises(ModelError) as caught:
                    self.client.record(ids[0])  # deleted: abandoned and freed
                self.assertEqual(caught.exception.status, 404)

    def test_giving_up_is_not_solved(self) -> None:
        result = run_agent(self.client, load_strategy("tests.strategies_for_tests:gives_up"), RunOptions(seed=5, width=10, height=5))
        self.assertEqual((result.exit_code, result.outcome, result.line["solved"], result.line["steps"]), (1, "gave-up", False, 0))


@needs_model
class ProgramTest(unittest.TestCase):
    def test_solved_exit_0_map_then_the_result_line(self) -> None:
        run = program({"MAZE_URL": MODEL_URL, "AGENT_STRATEGY": "random-dfs"})
        self.assertEqual(run.returncode, 0, run.stderr)
        lines = run.stdout.strip().split("\n")
        self.assertEqual(len(lines), 2 * MODEL_HEIGHT + 2)
        self.assertEqual(last_line(run.stdout)["solved"], True)

    def test_many_runs_one_line_each(self) -> None:
        run = program({"MAZE_URL": MODEL_URL, "AGENT_SEEDS": "1-3", "AGENT_WIDTH": "12", "AGENT_HEIGHT": "6", "AGENT_STRATEGY": "random-dfs,tests.strategies_for_tests:gives_up"})
        self.assertEqual(run.returncode, 1, run.stderr)
        lines = [json.loads(line) for line in run.stdout.strip().split("\n")]
        self.assertEqual([(r["strategy"], r["seed"], r["solved"]) for r in lines], [(s, seed, s == "python:random-dfs") for seed in (1, 2, 3) for s in ("python:random-dfs", "python:givesup")])

    def test_bad_configuration_exit_2(self) -> None:
        run = program({"MAZE_URL": MODEL_URL, "AGENT_SEEDS": "9-1"})
        self.assertEqual(run.returncode, 2)
        self.assertEqual(last_line(run.stdout)["error"], "AGENT_ERR_CONFIG")
        run = program({"MAZE_URL": MODEL_URL, "AGENT_STRATEGY": "no_such_team.strategy"})
        self.assertEqual((run.returncode, last_line(run.stdout)["error"], last_line(run.stdout)["strategy"]), (2, "AGENT_ERR_STRATEGY_LOAD", "no_such_team.strategy"))

    def test_model_unreachable_exit_3(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        run = program({"MAZE_URL": f"http://127.0.0.1:{port}", "AGENT_STARTUP_TIMEOUT_MS": "300"})
        self.assertEqual(run.returncode, 3)
        self.assertEqual(last_line(run.stdout)["error"], "AGENT_ERR_MODEL_UNREACHABLE")

    def test_sigterm_exit_143_with_the_line(self) -> None:
        env = {**os.environ, "PYTHONPATH": f"{SDK / 'src'}{os.pathsep}{SDK}", "MAZE_URL": MODEL_URL, "AGENT_STRATEGY": "tests.strategies_for_tests:slow"}
        child = subprocess.Popen([sys.executable, "-m", "maze_sim_agent"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stderr is not None
        while "episode" not in child.stderr.readline():
            pass
        time.sleep(0.3)
        child.send_signal(signal.SIGTERM)
        stdout, _ = child.communicate(timeout=10)
        self.assertEqual(child.returncode, 143)
        line = last_line(stdout)
        self.assertEqual((line["error"], line["strategy"], line["solved"]), ("AGENT_ERR_ABORTED", "python:slow", False))


if __name__ == "__main__":
    unittest.main()
