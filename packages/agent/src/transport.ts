import type { CellView, Point } from '@maze-sim/maze'

export type { CellView, Point }

/** The maze's size as answered by `GET /maze/size`. */
export interface MazeSize {
  readonly width: number
  readonly height: number
}

/** What the optional `GET /maze/meta` extension tells; both null when the server lacks it. */
export interface MazeMeta {
  readonly seed: number | null
  readonly optimalSteps: number | null
}

/** How the agent talks to a maze: the wire contract's routes, answered over HTTP or in process. */
export interface MazeTransport {
  /** `GET /maze/size` */
  size(): Promise<MazeSize>
  /** `GET /maze/start` */
  start(): Promise<Point>
  /** `GET /maze/pos/:y/:x`: the label and walls of one cell. */
  sense(x: number, y: number): Promise<CellView>
  /** `POST /maze/map` with the walked `[x, y]` cells; answers the ASCII map. */
  submitMap(moves: ReadonlyArray<readonly [number, number]>): Promise<string>
  /** `GET /maze/meta` (extension); `{ seed: null, optimalSteps: null }` when absent. */
  meta(): Promise<MazeMeta>
  /** Requests made so far (one per call above; wire-level retries are not counted). */
  readonly requests: number
  /** Releases connections; further calls fail. */
  close(): Promise<void>
}

export const NO_META: MazeMeta = Object.freeze({ seed: null, optimalSteps: null })
