// Where the Python SDK's sources are, for the programs that run them (the sweep's python:<name>
// strategies put this directory on the PYTHONPATH of `python3 -m maze_sim_agent`).
import { fileURLToPath } from 'node:url'

/** The directory holding the `maze_sim_agent` package (packages/python-sdk/src). */
export const PYTHON_SDK_SRC = fileURLToPath(new URL('./src', import.meta.url))
