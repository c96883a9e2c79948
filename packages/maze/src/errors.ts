/** Stable error codes of the maze domain. */
export const MazeErrorCode = {
  BadSize: 'MAZE_ERR_BAD_SIZE',
  BadSeed: 'MAZE_ERR_BAD_SEED',
  OutOfBounds: 'MAZE_ERR_OUT_OF_BOUNDS',
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
