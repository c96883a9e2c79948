/** Stable error codes of the maze domain. */
export const MazeErrorCode = {
  BadSize: 'MAZE_ERR_BAD_SIZE',
  BadSeed: 'MAZE_ERR_BAD_SEED',
  OutOfBounds: 'MAZE_ERR_OUT_OF_BOUNDS',
  /** An episode's step limit is not a positive safe integer. */
  BadMaxSteps: 'MAZE_ERR_BAD_MAX_STEPS',
  /** A move list is empty or holds something other than a direction. */
  BadMoves: 'MAZE_ERR_BAD_MOVES',
  /** Moves were sent to an episode that has already ended (solved, unsolved or abandoned). */
  EpisodeEnded: 'MAZE_ERR_EPISODE_ENDED',
} as const
export type MazeErrorCode = (typeof MazeErrorCode)[keyof typeof MazeErrorCode]

/** A domain error with a stable, prefixed code. */
export class MazeError extends Error {
  override readonly name = 'MazeError'
  readonly code: MazeErrorCode
  constructor(code: MazeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}
