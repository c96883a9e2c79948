// The defaults every program shares, written once: the maze's size when none is given, and the
// model's port (API.md). The model's options table, the agent's URL, the sweep, render and the
// benchmark import them from here.

/** The size of a maze when none is given: the original's 80 x 20. */
export const DEFAULT_SIZE: { readonly width: number; readonly height: number } = Object.freeze({ width: 80, height: 20 })

/** The port the model listens on when none is given, and the one the agent calls. */
export const DEFAULT_PORT = 5555
