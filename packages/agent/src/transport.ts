import type { CellView, Direction, Label, Point } from '@maze-sim/maze'

export type { CellView, Point }

/** The maze's size as answered by `GET /maze/size`. */
export interface MazeSize {
  readonly width: number
  readonly height: number
}

/** What the optional `GET /maze/meta` extension tells; null when the server lacks it. */
export interface MazeMeta {
  readonly seed: number | null
  readonly optimalSteps: number | null
  /** The classic maze's size, when the extension tells it (our model does). */
  readonly width?: number | null
  readonly height?: number | null
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
  /**
   * The `/episodes` routes when the model offers them, else null: asked once, the answer cached.
   * Optional: a transport without it (a wrapper such as `slowedTransport`) speaks the classic routes only.
   */
  episodes?(): Promise<EpisodeRoutes | null>
  /** Requests made so far (one per call above; wire-level retries are not counted). */
  readonly requests: number
  /** Releases connections; further calls fail. */
  close(): Promise<void>
}

export const NO_META: MazeMeta = Object.freeze({ seed: null, optimalSteps: null })

/** `POST /episodes`' body: every field optional (the model's defaults: its size, a random seed, a generous limit). */
export interface EpisodeRequest {
  readonly seed?: number
  readonly width?: number
  readonly height?: number
  readonly maxSteps?: number
  readonly agent?: string
}

/** The contract's OBS: what the agent senses where it stands, as the referee tells it. */
export interface EpisodeObservation extends CellView {
  readonly x: number
  readonly y: number
  readonly here: Label
  readonly hasKey: boolean
  readonly steps: number
  readonly done: boolean
  readonly solved: boolean
}

/** A ready episode (`201`): the agent stands on the start. `seed`/`optimalSteps` are null in sealed mode. */
export interface EpisodeCreated {
  readonly id: string
  readonly seed: number | null
  readonly width: number
  readonly height: number
  readonly maxSteps: number
  readonly optimalSteps: number | null
  readonly observation: EpisodeObservation
}

/** `POST /episodes/:id/moves`' answer. */
export interface EpisodeMoves {
  readonly applied: number
  readonly bumped: boolean
  readonly observations: readonly EpisodeObservation[]
}

/** Where an episode stands. */
export type EpisodeStatusName = 'generating' | 'running' | 'solved' | 'unsolved' | 'abandoned'

/** The referee's record, `GET /episodes/:id` (the fields the agent uses). */
export interface EpisodeRecord {
  readonly id: string
  readonly seed: number | null
  readonly width: number
  readonly height: number
  readonly status: EpisodeStatusName
  readonly steps: number
  readonly keyStep: number | null
  readonly bumps: number
  readonly maxSteps: number
  readonly optimalSteps: number | null
}

/** The `/episodes` routes (API.md, "Episodes"): the model moves the agent and keeps the score. */
export interface EpisodeRoutes {
  /**
   * `POST /episodes`, answered once the maze is ready: a `202` (a large maze being generated) is
   * waited out here, within the transport's start-up wait.
   */
  create(request: EpisodeRequest): Promise<EpisodeCreated>
  /**
   * `POST /episodes/:id/moves`: applied in order by the model. A model that takes fewer moves per
   * request (MAZE_ERR_TOO_MANY_MOVES) gets them in several requests, answered as one.
   */
  move(id: string, moves: readonly Direction[]): Promise<EpisodeMoves>
  /** `GET /episodes/:id` */
  record(id: string): Promise<EpisodeRecord>
  /** `DELETE /episodes/:id`, best effort: never throws, bounded in time even after an abort. */
  abandon(id: string): Promise<void>
}
