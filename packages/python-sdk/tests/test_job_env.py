"""The Batch job's variables, derived as packages/batch/src/job-env.ts derives them (values printed by it)."""

import unittest

from maze_sim_agent.job_env import JobEnvError, format_seed_list, job_env_changes, parse_seed_list


class JobEnvTest(unittest.TestCase):
    def test_port_from_the_job_id(self) -> None:
        changes = job_env_changes({"AWS_BATCH_JOB_ID": "a1b2c3d4-e5f6-7890-abcd-ef0123456789:7", "MAZE_PORT_FROM_JOB": "true"})
        self.assertEqual(changes, {"PORT": "23648", "MAZE_URL": "http://127.0.0.1:23648"})

    def test_array_child(self) -> None:
        changes = job_env_changes({"AWS_BATCH_JOB_ARRAY_INDEX": "5", "MAZE_SWEEP_STRATEGIES": "astar, python:random-dfs", "MAZE_SEED_BASE": "4294967294"})
        self.assertEqual(changes, {"AGENT_STRATEGY": "python:random-dfs", "MAZE_SEED": "0"})

    def test_packed_child(self) -> None:
        env = {"AWS_BATCH_JOB_ARRAY_INDEX": "2", "AGENT_STRATEGY": "a,b", "MAZE_SWEEP_SEEDS": "1-10,20,30-31", "MAZE_SEEDS_PER_CHILD": "4"}
        self.assertEqual(job_env_changes(env), {"AGENT_SEEDS": "9-10,20,30"})

    def test_nothing_outside_a_job(self) -> None:
        self.assertEqual(job_env_changes({"MAZE_URL": "http://model:5555"}), {})

    def test_bad_values_name_the_variable(self) -> None:
        with self.assertRaisesRegex(JobEnvError, "MAZE_SEED_BASE"):
            job_env_changes({"AWS_BATCH_JOB_ARRAY_INDEX": "1", "MAZE_SEED_BASE": "x"})
        with self.assertRaisesRegex(JobEnvError, "AWS_BATCH_JOB_ID"):
            job_env_changes({"MAZE_PORT_FROM_JOB": "true"})
        with self.assertRaisesRegex(JobEnvError, "beyond the 4 children"):
            job_env_changes({"AWS_BATCH_JOB_ARRAY_INDEX": "4", "MAZE_SWEEP_SEEDS": "1-13", "MAZE_SEEDS_PER_CHILD": "4"})

    def test_seed_lists(self) -> None:
        self.assertEqual(parse_seed_list("1-3, 7,9-9"), [1, 2, 3, 7, 9])
        self.assertEqual(format_seed_list([1, 2, 3, 7, 9]), "1-3,7,9")
        self.assertIsInstance(parse_seed_list("3-1"), str)
        self.assertIsInstance(parse_seed_list("4294967296"), str)


if __name__ == "__main__":
    unittest.main()
