/**
 * The live view's event streams (`GET /view/events`, and for episodes `GET /view/episodes/events`
 * and `GET /view/episodes/:id/events`), as types, plus a reference client that applies
 * it the way the page does. Tests use the client to check what a viewer ends up seeing; tools can use
 * it to follow a run without a browser.
 */
import type { EpisodeRecordJson, EpisodeState } from '../episodes/registry.ts'

/** `event: maze`: once the maze is ready (and again after each reconnection). */
export interface MazeEvent {
  width: number
  height: number
  seed: number
  optimalSteps: number
  start: [number, number]
  key: [number, number]
  exit: [number, number]
  /** Small enough to draw: `walls` is set and `state`/`moves` carry cells. */
  drawable: boolean
  maxDrawableCells: number
  maxDrawableSide: number
  /** Base64 of the wall bits, two cells per byte (low nibble first; bit d = wall on side d: up, right, down, left). */
  walls: string | null
  /** Following an episode (`GET /view/episodes/:id/events`, `GET /view/episodes/:id/maze`): which one. */
  episode?: { id: string; agent: string | null; maxSteps: number }
}

/** `event: state`: a snapshot of the run; replaces what the viewer knew. */
export interface StateEvent {
  run: number
  steps: number
  /** The agent's cell index (`y * width + x`), null before its first /maze/pos. */
  pos: number | null
  keyStep: number | null
  exitStep: number | null
  done: boolean
  /** Cells sensed at least once (drawable mazes). */
  visited: number
  /** The last positions (at most 256), oldest first. */
  tail: number[]
  /** Base64 of one visit count per cell (saturating at 255); null when none is visited or the maze is not drawable. */
  counts: string | null
  /** Episodes only: the referee's status and bumps (the classic run has neither). */
  status?: EpisodeStatusName
  bumps?: number
}

/** An episode's status, as in its record. */
export type EpisodeStatusName = EpisodeState

/** One row of `event: episodes`: the referee's record (seed and optimalSteps always shown: only viewers get it). */
export type EpisodeSummary = EpisodeRecordJson

/**
 * `event: episodes` (`GET /view/episodes/events`): the live and kept ended episodes, newest first
 * (at most `listLimit`), whole each time; sent on connecting and at most every `listIntervalMs`
 * while something changes.
 */
export interface EpisodesEvent {
  episodes: EpisodeSummary[]
  live: number
  maxLive: number
}

/** `event: moves`: the steps since the previous batch; `path[k]` is the cell of step `steps - path.length + 1 + k`. */
export interface MovesEvent {
  run: number
  steps: number
  path: number[]
  keyStep: number | null
  exitStep: number | null
  done: boolean
  visited: number
  /** Episodes only. */
  status?: EpisodeStatusName
  bumps?: number
}

export interface ParsedEvent {
  event: string
  data: string
}

/** Splits event-stream text into complete events; returns them and the incomplete rest. */
export function parseEventStream(text: string): { events: ParsedEvent[]; rest: string } {
  const events: ParsedEvent[] = []
  let start = 0
  for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n', start)) {
    let event = 'message'
    const data: string[] = []
    for (const line of text.slice(start, end).split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') })
    start = end + 2
  }
  return { events, rest: text.slice(start) }
}

/** A viewer without a screen: feed it the stream's text, read what the page would show. */
export class ViewReplica {
  maze: MazeEvent | undefined
  counts: Uint8Array | undefined
  run = 0
  steps = 0
  pos: number | null = null
  keyStep: number | null = null
  exitStep: number | null = null
  done = false
  visited = 0
  /** Following an episode: its status and bumps (undefined for the classic run). */
  status: EpisodeStatusName | undefined = undefined
  bumps: number | undefined = undefined
  /** The last `episodes` list received (the list stream). */
  episodes: EpisodesEvent | undefined = undefined
  /** Events applied, by name. */
  readonly seen: Record<string, number> = {}
  #applied = -1
  #rest = ''

  /** Feeds raw stream text (any chunking). */
  write(chunk: string): void {
    const { events, rest } = parseEventStream(this.#rest + chunk)
    this.#rest = rest
    for (const { event, data } of events) this.apply(event, JSON.parse(data) as unknown)
  }

  apply(event: string, data: unknown): void {
    this.seen[event] = (this.seen[event] ?? 0) + 1
    if (event === 'maze') {
      this.maze = data as MazeEvent
      this.counts = this.maze.drawable ? new Uint8Array(this.maze.width * this.maze.height) : undefined
    } else if (event === 'state') {
      const s = data as StateEvent
      ;({
        run: this.run,
        steps: this.steps,
        pos: this.pos,
        keyStep: this.keyStep,
        exitStep: this.exitStep,
        done: this.done,
        visited: this.visited,
      } = s)
      ;({ status: this.status, bumps: this.bumps } = s)
      this.#applied = s.pos === null ? -1 : s.steps
      if (this.counts !== undefined) {
        if (s.counts === null) this.counts.fill(0)
        else this.counts.set(Buffer.from(s.counts, 'base64'))
      }
    } else if (event === 'moves') {
      const m = data as MovesEvent
      if (m.run !== this.run) return
      const first = m.steps - m.path.length + 1
      m.path.forEach((i, k) => {
        if (first + k <= this.#applied || this.counts === undefined) return
        if (this.counts[i]! < 255) this.counts[i]!++
      })
      if (m.path.length > 0) {
        this.#applied = m.steps
        this.pos = m.path.at(-1)!
      }
      ;({ steps: this.steps, keyStep: this.keyStep, exitStep: this.exitStep, done: this.done, visited: this.visited } = m)
      ;({ status: this.status, bumps: this.bumps } = m)
    } else if (event === 'episodes') {
      this.episodes = data as EpisodesEvent
    }
  }

  /** Cells with a visit count above zero. */
  get sensedCells(): number {
    return this.counts?.reduce((n, c) => n + (c > 0 ? 1 : 0), 0) ?? 0
  }
}
