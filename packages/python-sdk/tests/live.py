"""The model the live tests run against: started by test/python-sdk/python-sdk.test.ts (a real model
process), named by environment variables. Without them the live tests are skipped, with the reason;
the vitest test that runs them fails on any skip."""

import os
import unittest

MODEL_URL = os.environ.get("MAZE_SIM_TEST_MODEL_URL", "")
MODEL_SEED = int(os.environ.get("MAZE_SIM_TEST_MODEL_SEED", "0"))
MODEL_WIDTH = int(os.environ.get("MAZE_SIM_TEST_MODEL_WIDTH", "0"))
MODEL_HEIGHT = int(os.environ.get("MAZE_SIM_TEST_MODEL_HEIGHT", "0"))
SLOW_MODEL_URL = os.environ.get("MAZE_SIM_TEST_SLOW_MODEL_URL", "")

needs_model = unittest.skipUnless(MODEL_URL, "MAZE_SIM_TEST_MODEL_URL is not set (test/python-sdk/python-sdk.test.ts starts a model)")
needs_slow_model = unittest.skipUnless(SLOW_MODEL_URL, "MAZE_SIM_TEST_SLOW_MODEL_URL is not set (a model still generating a large maze)")
