// The referee of one run (API.md, "Episodes"): the model, not the agent, moves the agent and keeps
// the score. Pure domain, so the model's /episodes routes, the sweep and tests share one rulebook.
//
// Thousands of live episodes share one immutable Maze each, so an episode holds only a few numbers
// and its replay: 2 bits per applied move in a Uint8Array that grows by doubling, capped at
// maxSteps / 4 bytes. Positions in the replay are recomputed from the start when it is read.

import { MazeError, MazeErrorCode } from './errors.ts'
import { DIRECTION_NAMES, DX, DY, type Direction, type DirectionName, type Label, type Maze, type Point, type Side } from './grid.ts'
import { solve } from './solve.ts'

/**
 * The generous default step limit of a run on a `width` x `height` maze: random DFS walks each
 * corridor at most twice per phase, so 20 x area is ample. The one definition: the model's referee,
 * the agent and the sweep import it.
 */
export const defaultMaxSteps = (width: number, height: number): number => 20 * width * height + 1000

/** Where an episode stands; `generating` belongs to the HTTP layer, before the maze exists. */
export const EpisodeStatus = { Running: 'running', Solved: 'solved', Unsolved: 'unsolved', Abandoned: 'abandoned' } as const
export type EpisodeStatus = (typeof EpisodeStatus)[keyof typeof EpisodeStatus]

/** What the agent senses where it stands: the contract's OBS. */
export interface EpisodeObservation {
  readonly x: number
  readonly y: number
  readonly here: Label
  readonly up: Side
  readonly right: Side
  readonly down: Side
  readonly left: Side
  readonly hasKey: boolean
  readonly steps: number
  readonly done: boolean
  readonly solved: boolean
}

/** The answer to one batch of moves. */
export interface MoveResult {
  /** Moves made, in order; fewer than sent after a bump or once the episode ended. */
  readonly applied: number
  /** True when the move after the applied ones hit a wall or left the grid (and was not made). */
  readonly bumped: boolean
  /** One observation after each applied move. */
  readonly observations: EpisodeObservation[]
}

/** The referee's record of a run, without the HTTP layer's id, seed, size, agent and times. */
export interface EpisodeRecord {
  readonly status: EpisodeStatus
  readonly x: number
  readonly y: number
  readonly steps: number
  /** The step count when the key was picked up, null until then. */
  readonly keyStep: number | null
  readonly bumps: number
  readonly maxSteps: number
  readonly optimalSteps: number
}

/** One applied move: its 1-based step number, its direction and the position after it. */
export interface ReplayEntry {
  readonly step: number
  readonly direction: DirectionName
  readonly x: number
  readonly y: number
}

/** How to start an episode. */
export interface EpisodeOptions {
  readonly maze: Maze
  /** A positive safe integer; default {@link defaultMaxSteps} of the maze's size. */
  readonly maxSteps?: number
  /** `solve(maze).optimalSteps`, when the caller already has it (it costs a BFS over the maze). */
  readonly optimalSteps?: number
}

/** Parses a direction word of the wire (`up`, `right`, `down`, `left`); null for anything else. */
export function parseDirection(value: unknown): Direction | null {
  switch (value) {
    case 'up':
      return 0
    case 'right':
      return 1
    case 'down':
      return 2
    case 'left':
      return 3
    default:
      return null
  }
}

/** Parses the wire's `moves` (1 or more direction words); throws MAZE_ERR_BAD_MOVES naming the first bad one. */
export function parseMoves(values: unknown): Direction[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw new MazeError(MazeErrorCode.BadMoves, `moves must be a list of 1 or more of ${DIRECTION_NAMES.join(', ')}`)
  }
  const moves: Direction[] = new Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const d = parseDirection(values[i])
    if (d === null) {
      throw new MazeError(MazeErrorCode.BadMoves, `move ${i} is ${describe(values[i])}: a move is one of ${DIRECTION_NAMES.join(', ')}`)
    }
    moves[i] = d
  }
  return moves
}

const describe = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value))

// The first replay buffer: 16 bytes hold 64 moves. Fresh episodes share one empty buffer.
const FIRST_REPLAY_BYTES = 16
const NO_MOVES = new Uint8Array(0)

/**
 * One run on a maze, refereed: the agent starts on S; each legal move counts one step; the key is
 * picked up on K; the run ends solved on E holding the key, unsolved when steps reach maxSteps, or
 * abandoned. A move into a wall or off the grid (the start's and exit's outer openings included)
 * is a bump: not made, counted, and it ends the batch. O(1) amortized per move.
 */
export class Episode {
  readonly #maze: Maze
  readonly #maxSteps: number
  readonly #optimalSteps: number
  #status: EpisodeStatus = EpisodeStatus.Running
  #x: number
  #y: number
  #steps = 0
  #bumps = 0
  // -1 until the key is picked up: a number field stays a small integer in the object.
  #keyStep = -1
  // Move i lives in bits 2(i mod 4)..2(i mod 4)+1 of byte floor(i / 4).
  #moves: Uint8Array = NO_MOVES

  constructor(options: EpisodeOptions) {
    const { maze } = options
    const maxSteps = options.maxSteps ?? defaultMaxSteps(maze.width, maze.height)
    if (!Number.isSafeInteger(maxSteps) || maxSteps < 1) {
      throw new MazeError(MazeErrorCode.BadMaxSteps, `maxSteps must be a positive integer, got ${maxSteps}`)
    }
    this.#maze = maze
    this.#maxSteps = maxSteps
    this.#optimalSteps = options.optimalSteps ?? solve(maze).optimalSteps
    this.#x = maze.start.x
    this.#y = maze.start.y
    // Generated mazes (3+ cells) keep S, K and E apart; a hand-made maze with the key under the
    // start gives it at step 0.
    this.#arrive()
  }

  /** The maze this episode is played on (shared, immutable). */
  get maze(): Maze {
    return this.#maze
  }

  /** running, then solved, unsolved or abandoned. */
  get status(): EpisodeStatus {
    return this.#status
  }

  /** True once solved, unsolved or abandoned. */
  get done(): boolean {
    return this.#status !== EpisodeStatus.Running
  }

  /** The agent's column now. */
  get x(): number {
    return this.#x
  }

  /** The agent's row now. */
  get y(): number {
    return this.#y
  }

  /** Applied moves so far; always the number of replay entries. */
  get steps(): number {
    return this.#steps
  }

  /** Moves refused because they hit a wall or left the grid; they are not steps. */
  get bumps(): number {
    return this.#bumps
  }

  /** True once the agent has stood on the key's cell. */
  get hasKey(): boolean {
    return this.#keyStep >= 0
  }

  /** The step count when the key was picked up, null until then. */
  get keyStep(): number | null {
    return this.#keyStep < 0 ? null : this.#keyStep
  }

  /** The step limit: the run ends unsolved when steps reach it. */
  get maxSteps(): number {
    return this.#maxSteps
  }

  /** The optimal S→K→E walk length, for scoring. */
  get optimalSteps(): number {
    return this.#optimalSteps
  }

  /** What the agent senses where it stands now. */
  observation(): EpisodeObservation {
    const x = this.#x
    const y = this.#y
    return {
      x,
      y,
      ...this.#maze.cell(x, y),
      hasKey: this.#keyStep >= 0,
      steps: this.#steps,
      done: this.#status !== EpisodeStatus.Running,
      solved: this.#status === EpisodeStatus.Solved,
    }
  }

  /**
   * Applies `directions` in order until one bumps (not made, counted, `bumped: true`) or the
   * episode ends (the rest are dropped). Throws MAZE_ERR_BAD_MOVES on an empty list or a value that
   * is not a Direction (before any move is made), MAZE_ERR_EPISODE_ENDED once the episode has ended.
   */
  move(directions: readonly Direction[]): MoveResult {
    if (!Array.isArray(directions) || directions.length === 0) {
      throw new MazeError(MazeErrorCode.BadMoves, 'moves must be a list of 1 or more directions')
    }
    const n = directions.length
    for (let i = 0; i < n; i++) {
      const d = directions[i]
      if (d !== 0 && d !== 1 && d !== 2 && d !== 3) {
        throw new MazeError(MazeErrorCode.BadMoves, `move ${i} is ${describe(d)}: a direction is 0 (up), 1 (right), 2 (down) or 3 (left)`)
      }
    }
    if (this.#status !== EpisodeStatus.Running) {
      throw new MazeError(
        MazeErrorCode.EpisodeEnded,
        `the episode has ended (${this.#status}) after ${this.#steps} steps: it takes no more moves`,
      )
    }
    const { width, height, walls } = this.#maze
    const observations: EpisodeObservation[] = []
    let bumped = false
    for (let i = 0; i < n && this.#status === EpisodeStatus.Running; i++) {
      const d = directions[i]!
      const x = this.#x
      const y = this.#y
      const nx = x + DX[d]!
      const ny = y + DY[d]!
      if ((walls[y * width + x]! >> d) & 1 || nx < 0 || ny < 0 || nx >= width || ny >= height) {
        this.#bumps++
        bumped = true
        break
      }
      this.#record(d)
      this.#x = nx
      this.#y = ny
      this.#steps++
      this.#arrive()
      observations.push(this.observation())
    }
    return { applied: observations.length, bumped, observations }
  }

  /**
   * Abandons a running episode; returns true when this call ended it. An ended episode keeps its
   * status (solved stays solved), so calling it again, or after the end, changes nothing.
   */
  abandon(): boolean {
    if (this.#status !== EpisodeStatus.Running) return false
    this.#status = EpisodeStatus.Abandoned
    return true
  }

  /** The referee's record now. */
  record(): EpisodeRecord {
    return {
      status: this.#status,
      x: this.#x,
      y: this.#y,
      steps: this.#steps,
      keyStep: this.#keyStep < 0 ? null : this.#keyStep,
      bumps: this.#bumps,
      maxSteps: this.#maxSteps,
      optimalSteps: this.#optimalSteps,
    }
  }

  /** The applied moves so far, in order, each with the position after it (a snapshot: later moves are not included). */
  replay(): Generator<ReplayEntry, void, undefined> {
    // Taken now, not on the first next(). Growing replaces the buffer and later moves only set bits
    // of later steps, so the snapshot stays valid while the episode goes on.
    return replayMoves(this.#moves, this.#steps, this.#maze.start)
  }

  /** Bytes held by the replay buffer (for memory accounting). */
  get replayBytes(): number {
    return this.#moves.byteLength
  }

  // Stores move number #steps (before it is counted).
  #record(d: Direction): void {
    const s = this.#steps
    const byte = Math.floor(s / 4)
    let moves = this.#moves
    if (byte >= moves.length) {
      // Running implies steps < maxSteps, so byte < ceil(maxSteps / 4): one growth always suffices.
      const grown = new Uint8Array(Math.min(Math.ceil(this.#maxSteps / 4), Math.max(FIRST_REPLAY_BYTES, moves.length * 2)))
      grown.set(moves)
      this.#moves = moves = grown
    }
    moves[byte]! |= d << ((s % 4) * 2)
  }

  // The rules of standing on a cell: the key is picked up on its cell, the run is solved on the exit
  // with the key, else it is unsolved once the steps reach the limit (a solving last step wins).
  #arrive(): void {
    const { key, exit } = this.#maze
    const x = this.#x
    const y = this.#y
    if (this.#keyStep < 0 && x === key.x && y === key.y) this.#keyStep = this.#steps
    if (this.#keyStep >= 0 && x === exit.x && y === exit.y) this.#status = EpisodeStatus.Solved
    else if (this.#steps >= this.#maxSteps) this.#status = EpisodeStatus.Unsolved
  }
}

function* replayMoves(moves: Uint8Array, steps: number, start: Point): Generator<ReplayEntry, void, undefined> {
  let { x, y } = start
  for (let s = 0; s < steps; s++) {
    const d = (moves[Math.floor(s / 4)]! >> ((s % 4) * 2)) & 3
    x += DX[d]!
    y += DY[d]!
    yield { step: s + 1, direction: DIRECTION_NAMES[d]!, x, y }
  }
}
