"""The program's configuration: the TypeScript agent's variables and rules."""

import unittest

from maze_sim_agent import AgentError, load_strategy
from maze_sim_agent.config import read_config


class ConfigTest(unittest.TestCase):
    def test_defaults(self) -> None:
        cfg = read_config({}, [])
        assert cfg is not None
        self.assertEqual((cfg.url, cfg.strategies, cfg.protocol, cfg.seeds), ("http://127.0.0.1:5555", ("random-dfs",), "auto", None))

    def test_empty_variables_count_as_unset_and_flags_win(self) -> None:
        cfg = read_config({"AGENT_STRATEGY": "", "AGENT_STARTUP_TIMEOUT_MS": "", "MAZE_URL": "http://a:1"}, ["--url", "http://b:2"])
        assert cfg is not None
        self.assertEqual((cfg.url, cfg.strategies, cfg.startup_timeout_s), ("http://b:2", ("random-dfs",), 60.0))

    def test_seeds_and_strategies(self) -> None:
        cfg = read_config({"AGENT_SEEDS": "1-3,9", "AGENT_STRATEGY": "random-dfs, my_team.strategy"}, [])
        assert cfg is not None
        self.assertEqual((cfg.seeds, cfg.strategies), ((1, 2, 3, 9), ("random-dfs", "my_team.strategy")))

    def test_bad_values_name_the_variable(self) -> None:
        for env, name in [
            ({"AGENT_SEEDS": "3-1"}, "AGENT_SEEDS"),
            ({"AGENT_PROTOCOL": "grpc"}, "AGENT_PROTOCOL"),
            ({"AGENT_STARTUP_TIMEOUT_MS": "soon"}, "AGENT_STARTUP_TIMEOUT_MS"),
            ({"AGENT_STRATEGY": "a,b"}, "AGENT_SEEDS"),
            ({"AGENT_SEEDS": "1", "AGENT_EPISODES": "2"}, "AGENT_EPISODES"),
            ({"AGENT_WIDTH": "10"}, "AGENT_HEIGHT"),
            ({"MAZE_URL": "   "}, "MAZE_URL"),
        ]:
            with self.subTest(env=env):
                with self.assertRaises(AgentError) as caught:
                    read_config(env, [])
                self.assertEqual(caught.exception.code, "AGENT_ERR_CONFIG")
                self.assertIn(name, caught.exception.message)

    def test_load_strategy(self) -> None:
        self.assertEqual(load_strategy("random-dfs").name, "random-dfs")
        self.assertEqual(load_strategy("python:random-dfs").name, "random-dfs")
        self.assertEqual(load_strategy("maze_sim_agent.strategies.random_dfs").name, "random-dfs")
        with self.assertRaises(AgentError) as caught:
            load_strategy("no_such_team.strategy")
        self.assertEqual(caught.exception.code, "AGENT_ERR_STRATEGY_LOAD")
        self.assertIn("no_such_team.strategy", caught.exception.message)
        self.assertIsInstance(caught.exception.__cause__, ModuleNotFoundError)


if __name__ == "__main__":
    unittest.main()
