"""The client against a real model process: the classic routes, episodes and the model's errors."""

import socket
import unittest

from maze_sim_agent import ModelClient, ModelError, ModelUnreachableError, Point, RunOptions, random_dfs, run_agent

from .live import MODEL_HEIGHT, MODEL_SEED, MODEL_URL, MODEL_WIDTH, needs_model


@needs_model
class ClassicRoutesTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = ModelClient(MODEL_URL)
        self.addCleanup(self.client.close)

    def test_size_start_pos(self) -> None:
        self.assertEqual(self.client.size(), (MODEL_WIDTH, MODEL_HEIGHT))
        start = self.client.start()
        self.assertIsInstance(start, Point)
        cell = self.client.pos(start.x, start.y)
        self.assertEqual(cell.here, "S")
        self.assertEqual(len(cell.walls), 4)
        self.assertFalse(all(cell.walls))

    def test_meta(self) -> None:
        meta = self.client.meta()
        assert meta is not None
        self.assertEqual((meta.width, meta.height, meta.seed), (MODEL_WIDTH, MODEL_HEIGHT, MODEL_SEED))
        self.assertGreater(meta.optimal_steps or 0, 0)

    def test_maps(self) -> None:
        lines = self.client.map().strip("\n").split("\n")
        self.assertEqual(len(lines), 2 * MODEL_HEIGHT + 1)
        self.assertTrue(all(len(line) == 2 * MODEL_WIDTH + 1 for line in lines))
        start = self.client.start()
        drawn = self.client.post_map([(start.x, start.y)])
        self.assertIn("S", drawn)

    def test_errors_carry_the_model_code(self) -> None:
        with self.assertRaises(ModelError) as caught:
            self.client.pos(0, MODEL_HEIGHT + 5)
        self.assertEqual((caught.exception.status, caught.exception.code), (400, "MAZE_ERR_OUT_OF_BOUNDS"))
        self.assertIn("outside", caught.exception.message)
        with self.assertRaises(ModelError) as caught:
            self.client.request("GET", "/maze/nowhere")
        self.assertEqual(caught.exception.status, 404)
        self.assertTrue(caught.exception.code.startswith("MAZE_ERR_"))
        # The connection is still good after a 4xx.
        self.assertEqual(self.client.size(), (MODEL_WIDTH, MODEL_HEIGHT))

    def test_requests_are_counted(self) -> None:
        before = self.client.requests
        self.client.size()
        self.client.start()
        self.assertEqual(self.client.requests, before + 2)


@needs_model
class EpisodesTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = ModelClient(MODEL_URL)
        self.addCleanup(self.client.close)

    def test_discovery(self) -> None:
        self.assertTrue(self.client.has_episodes())

    def test_create_move_record_replay_delete(self) -> None:
        episode = self.client.create_episode(seed=3, width=10, height=5, agent="maze-agent:python:test")
        self.assertEqual((episode.seed, episode.width, episode.height), (3, 10, 5))
        first = episode.first.observation
        self.assertEqual((first.here, first.steps, first.has_key), ("S", 0, False))
        d = next(d for d in range(4) if first.open[d])
        answer = self.client.moves(episode.id, [d])  # type: ignore[list-item]
        self.assertEqual((answer.applied, answer.bumped), (1, False))
        self.assertEqual(answer.observations[0].observation.steps, 1)
        record = self.client.record(episode.id)
        self.assertEqual((record["agent"], record["status"], record["steps"]), ("maze-agent:python:test", "running", 1))
        replay = self.client.replay(episode.id)
        self.assertEqual([r["step"] for r in replay], [1])
        self.assertIn(episode.id, [e["id"] for e in self.client.list_episodes()])
        self.client.delete_episode(episode.id)
        with self.assertRaises(ModelError) as caught:
            self.client.record(episode.id)
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "MAZE_ERR_EPISODE_NOT_FOUND"))

    def test_a_wall_is_a_bump(self) -> None:
        episode = self.client.create_episode(seed=3, width=10, height=5)
        self.addCleanup(self.client.delete_episode, episode.id)
        wall = next(d for d in range(4) if not episode.first.observation.open[d])
        answer = self.client.moves(episode.id, [wall])  # type: ignore[list-item]
        self.assertEqual((answer.applied, answer.bumped, answer.observations), (0, True, ()))
        self.assertEqual(self.client.record(episode.id)["bumps"], 1)

    def test_errors_carry_the_model_code(self) -> None:
        with self.assertRaises(ModelError) as caught:
            self.client.create_episode(seed=-1)
        self.assertEqual((caught.exception.status, caught.exception.code), (400, "MAZE_ERR_BAD_SEED"))
        with self.assertRaises(ModelError) as caught:
            self.client.moves("no-such-episode", [0])
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "MAZE_ERR_EPISODE_NOT_FOUND"))
        # A move after the end: the episode of a solved run.
        ids: list[str] = []
        result = run_agent(self.client, random_dfs, RunOptions(seed=3, width=10, height=5, on_episode=ids.append))
        self.assertTrue(result.line["solved"])
        with self.assertRaises(ModelError) as caught:
            self.client.moves(ids[0], [0])
        self.assertEqual(caught.exception.status, 409)
        self.assertTrue(caught.exception.code.startswith("MAZE_ERR_"), caught.exception.code)


class UnreachableTest(unittest.TestCase):
    def test_nothing_listening_is_a_bounded_wait(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with ModelClient(f"http://127.0.0.1:{port}", startup_timeout_s=0.3) as client:
            with self.assertRaises(ModelUnreachableError) as caught:
                client.size()
        self.assertEqual(caught.exception.code, "AGENT_ERR_MODEL_UNREACHABLE")
        self.assertIn("start-up wait of 0.3 s", caught.exception.message)
        self.assertIn("ConnectionRefusedError", caught.exception.message)


if __name__ == "__main__":
    unittest.main()
