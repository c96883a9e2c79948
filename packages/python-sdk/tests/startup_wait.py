"""503 + Retry-After and 429 + Retry-After from a real model: a bounded wait, then the answer.

Not a test_*.py module, so `unittest discover` leaves it out: run by test/python-sdk/python-sdk.test.ts
(`python3 -m unittest tests.startup_wait`) right after it starts a model on a large maze, while the
model still generates it (every /maze/* route answers 503 with Retry-After), with one live episode
at most (EPISODES_MAX_LIVE=1: a second POST /episodes answers 429 with Retry-After).
"""

import threading
import unittest

from maze_sim_agent import ModelClient, ModelUnreachableError

from .live import SLOW_MODEL_URL, needs_slow_model


@needs_slow_model
class StartupWaitTest(unittest.TestCase):
    def test_1_a_short_wait_gives_up_naming_the_503(self) -> None:
        with ModelClient(SLOW_MODEL_URL, startup_timeout_s=0.2) as client:
            with self.assertRaises(ModelUnreachableError) as caught:
                client.size()
        self.assertEqual(caught.exception.code, "AGENT_ERR_MODEL_UNREACHABLE")
        self.assertIn("503 MAZE_ERR_NOT_READY", caught.exception.message)
        self.assertIn("start-up wait of 0.2 s", caught.exception.message)

    def test_2_the_start_up_wait_honours_retry_after_until_the_maze_is_ready(self) -> None:
        with ModelClient(SLOW_MODEL_URL, startup_timeout_s=60) as client:
            width, height = client.size()
            self.assertGreater(width * height, 1_000_000)
            self.assertGreaterEqual(client.waits, 1)
            self.assertEqual(client.requests, 1)

    def test_3_429_waits_for_a_free_episode(self) -> None:
        # Its Retry-After is long (60 s, the idle timeout): the client bounds each wait.
        with ModelClient(SLOW_MODEL_URL, max_retry_after_s=0.5, retries=20) as client, ModelClient(SLOW_MODEL_URL) as other:
            first = other.create_episode(seed=1, width=10, height=5)
            # The model hosts one live episode: the second create is refused (429 + Retry-After) until the first is freed.
            timer = threading.Timer(1.5, other.delete_episode, [first.id])
            timer.start()
            try:
                second = client.create_episode(seed=2, width=10, height=5)
            finally:
                timer.join()
            self.assertGreaterEqual(client.waits, 2)
            client.delete_episode(second.id)

    def test_4_429_past_the_retries_is_unreachable_with_the_code(self) -> None:
        with ModelClient(SLOW_MODEL_URL, max_retry_after_s=0.1, retries=2) as client, ModelClient(SLOW_MODEL_URL) as other:
            first = other.create_episode(seed=1, width=10, height=5)
            self.addCleanup(other.delete_episode, first.id)
            with self.assertRaises(ModelUnreachableError) as caught:
                client.create_episode(seed=2, width=10, height=5)
            self.assertIn("429 MAZE_ERR_TOO_MANY_EPISODES", caught.exception.message)
            self.assertEqual(client.waits, 2)


if __name__ == "__main__":
    unittest.main()
