import { EpisodeStatus, type MoveResult } from '@maze-sim/maze'
import type { EpisodeEntry, EpisodeListener, EpisodeRegistry } from '../episodes/registry.ts'
import { LIVE_VIEW_DEFAULTS, type LiveViewOptions, mazeEventOf, type ViewerSink } from './live-view.ts'
import type { MazeEvent } from './view-protocol.ts'
import { RETRY, sseEvent, type ViewerCounters, ViewerGroup } from './viewer-group.ts'

/**
 * The live view of the hosted episodes: a list of the live and recently ended ones
 * (`GET /view/episodes/events`) and, for each episode someone follows, the same `maze`, `state`
 * and `moves` events as the classic run's stream (`GET /view/episodes/:id/events`), so the page
 * draws both with one code path. The model knows the walls, so it sends them.
 *
 * Cost on the /moves path: the registry calls this view only while it has viewers (it sets itself
 * as the registry's listener on the first one and removes itself after the last). Then a move
 * batch costs a flag, one Map lookup and, for a followed episode, a few typed-array stores per
 * applied move. Messages are built by a timer, once per batch for every viewer of a stream, and
 * slow viewers are skipped, coalesced and dropped as on the classic stream (viewer-group.ts).
 */
export interface EpisodeViewOptions extends LiveViewOptions {
  /** The list is sent at most this often while episodes change (ms). */
  listIntervalMs: number
  /** Episodes in the list, newest first. */
  listLimit: number
}

export const EPISODE_VIEW_DEFAULTS: Readonly<Pick<EpisodeViewOptions, 'listIntervalMs' | 'listLimit'>> = Object.freeze({
  listIntervalMs: 250,
  listLimit: 50,
})

/** Numbers about the episodes' viewers, for `GET /view/stats`. */
export interface EpisodeViewStats {
  /** Viewers of the list and of followed episodes, now. */
  viewers: number
  /** Episodes followed by at least one viewer, now. */
  followed: number
  dropped: number
  maxBufferedBytes: number
  largestWriteBytes: number
  bytesSent: number
}

/** Positions kept for a late joiner's trail (a power of two). */
const TAIL = 256
const TAIL_MASK = TAIL - 1
const orNull = (n: number | null): number | null => (n === null || n < 0 ? null : n)

export class EpisodeView implements EpisodeListener {
  readonly options: Readonly<EpisodeViewOptions>
  readonly #registry: EpisodeRegistry
  readonly #counters: ViewerCounters = { dropped: 0, maxBufferedBytes: 0, largestWriteBytes: 0, bytesSent: 0 }
  readonly #list: ViewerGroup
  readonly #follows = new Map<string, Followed>()
  #viewerCount = 0
  #listDirty = false
  #lastListAt = 0
  #timer: NodeJS.Timeout | undefined
  #closed = false

  constructor(registry: EpisodeRegistry, options: Partial<EpisodeViewOptions> = {}) {
    this.options = Object.freeze({ ...LIVE_VIEW_DEFAULTS, ...EPISODE_VIEW_DEFAULTS, ...options })
    this.#registry = registry
    this.#list = new ViewerGroup(this.options, this.#counters, this.#left)
  }

  /** True while another viewer may connect (list and followers count together). */
  get hasRoom(): boolean {
    return !this.#closed && this.#viewerCount < this.options.maxViewers
  }

  /** A viewer of the list: it gets the list now, then each change (at most every listIntervalMs). */
  addListViewer(sink: ViewerSink): boolean {
    if (!this.#join(sink)) return false
    this.#list.add(sink, Buffer.concat([RETRY, this.#listMessage()]))
    return true
  }

  /**
   * A viewer following `entry`: it gets the maze and the run so far (once the maze is ready), then
   * the moves in batches, and the end. An ended episode gets its final state.
   */
  addFollower(entry: EpisodeEntry, sink: ViewerSink): boolean {
    if (!this.#join(sink)) return false
    let followed = this.#follows.get(entry.id)
    if (followed === undefined) {
      followed = new Followed(entry, this.options, this.#counters, this.#left)
      this.#follows.set(entry.id, followed)
    }
    const group = followed.group
    // When the last follower leaves, the episode's history is freed.
    group.add(sink, followed.ready ? Buffer.concat([RETRY, followed.full()]) : RETRY)
    return true
  }

  /** The `maze` event of an episode (GET /view/episodes/:id/maze), undefined while its maze is generated. */
  mazeOf(entry: EpisodeEntry): (MazeEvent & Required<Pick<MazeEvent, 'episode'>>) | undefined {
    const episode = entry.episode
    if (episode === undefined) return undefined
    return { ...mazeEventOf(episode.maze, episode.optimalSteps, this.options), episode: describe(entry) }
  }

  changed(entry: EpisodeEntry): void {
    this.#listDirty = true
    this.#follows.get(entry.id)?.changed()
  }

  moved(entry: EpisodeEntry, result: MoveResult): void {
    this.#listDirty = true
    this.#follows.get(entry.id)?.moved(result)
  }

  stats(): EpisodeViewStats {
    return { viewers: this.#viewerCount, followed: this.#follows.size, ...this.#counters }
  }

  /** Sends what is pending now instead of at the next tick (tests), the list included. */
  flush(): void {
    this.#lastListAt = 0
    this.#tick()
  }

  /** Ends every stream and stops the timer (the server is closing). */
  close(): void {
    this.#closed = true
    this.#list.close()
    for (const followed of [...this.#follows.values()]) followed.group.close()
  }

  #join(sink: ViewerSink): boolean {
    if (!this.hasRoom) {
      sink.end()
      return false
    }
    this.#viewerCount++
    this.#registry.listener = this
    if (this.#timer === undefined) {
      this.#timer = setInterval(this.#tick, this.options.flushIntervalMs)
      this.#timer.unref()
    }
    return true
  }

  // A viewer left (closed, dropped or ended): the last one takes the listener and the timer with it.
  readonly #left = (): void => {
    this.#viewerCount--
    for (const [id, followed] of this.#follows) if (followed.group.size === 0) this.#follows.delete(id)
    if (this.#viewerCount > 0) return
    if (this.#registry.listener === this) this.#registry.listener = undefined
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#listDirty = false
  }

  #listMessage(): Buffer {
    const episodes = this.#registry.list(this.options.listLimit).map((entry) => entry.record(true))
    const { live } = this.#registry.stats()
    return sseEvent('episodes', JSON.stringify({ episodes, live, maxLive: this.#registry.limits.maxLive }))
  }

  readonly #tick = (): void => {
    const now = Date.now()
    let list: Buffer | undefined
    if (this.#listDirty && now - this.#lastListAt >= this.options.listIntervalMs) {
      list = this.#listMessage()
      this.#listDirty = false
      this.#lastListAt = now
    }
    this.#list.broadcast(list, () => this.#listMessage(), now)
    for (const followed of this.#follows.values()) followed.tick(now)
  }
}

const describe = (entry: EpisodeEntry): { id: string; agent: string | null; maxSteps: number } => ({
  id: entry.id,
  agent: entry.agent,
  maxSteps: entry.maxSteps,
})

/** One followed episode: its history as the classic view keeps it, and its viewers. */
class Followed {
  readonly group: ViewerGroup
  readonly #entry: EpisodeEntry
  readonly #options: Readonly<EpisodeViewOptions>
  #mazeMessage: Buffer | undefined
  #width = 0
  /** Visit count per cell (saturating at 255); drawable mazes only. */
  #counts: Uint8Array | undefined
  #visited = 0
  readonly #tail = new Int32Array(TAIL)
  #tailCount = 0
  readonly #pending: Int32Array
  #pendingLength = 0
  #overflow = false
  /** The next batch sends the maze and a snapshot (the maze has just become ready). */
  #needsFull = false
  #dirty = false

  constructor(entry: EpisodeEntry, options: Readonly<EpisodeViewOptions>, counters: ViewerCounters, onLeave: () => void) {
    this.#entry = entry
    this.#options = options
    this.#pending = new Int32Array(Math.max(1, options.pendingCapacity))
    this.group = new ViewerGroup(options, counters, onLeave)
    this.#load()
  }

  get ready(): boolean {
    return this.#mazeMessage !== undefined
  }

  /** The maze and a snapshot of the run. */
  full(): Buffer {
    return this.#mazeMessage === undefined ? Buffer.alloc(0) : Buffer.concat([this.#mazeMessage, this.#snapshot()])
  }

  changed(): void {
    if (this.#mazeMessage === undefined && this.#load()) this.#needsFull = true
    this.#dirty = true
  }

  /** The hot path while followed: a few stores per applied move, no allocation. */
  moved(result: MoveResult): void {
    const counts = this.#counts
    const observations = result.observations
    if (counts !== undefined) {
      for (let k = 0; k < observations.length; k++) {
        const o = observations[k]!
        const i = o.y * this.#width + o.x
        const c = counts[i]!
        if (c === 0) this.#visited++
        if (c < 255) counts[i] = c + 1
        this.#tail[this.#tailCount++ & TAIL_MASK] = i
        if (this.#pendingLength < this.#pending.length) this.#pending[this.#pendingLength++] = i
        else this.#overflow = true
      }
    }
    this.#dirty = true
  }

  tick(now: number): void {
    let message: Buffer | undefined
    if (this.#dirty && this.#mazeMessage !== undefined) {
      message = this.#needsFull ? this.full() : this.#overflow ? this.#snapshot() : this.#moves()
      this.#dirty = false
      this.#needsFull = false
      this.#overflow = false
      this.#pendingLength = 0
    }
    // A viewer that skipped batches gets the maze again too: it may have skipped the one that brought it.
    this.group.broadcast(message, () => this.full(), now)
  }

  /** Reads the maze and the moves so far from the episode once its maze is ready; false before. */
  #load(): boolean {
    const episode = this.#entry.episode
    if (episode === undefined) return false
    const maze = episode.maze
    const info: MazeEvent = { ...mazeEventOf(maze, episode.optimalSteps, this.#options), episode: describe(this.#entry) }
    this.#mazeMessage = sseEvent('maze', JSON.stringify(info))
    this.#width = maze.width
    if (!info.drawable) return true
    // O(steps) once per followed episode: at most 20 x 250,000 + 1,000 steps on a drawable maze.
    const counts = new Uint8Array(maze.area)
    const start = maze.index(maze.start.x, maze.start.y)
    counts[start] = 1
    this.#visited = 1
    this.#tail[this.#tailCount++ & TAIL_MASK] = start
    const replay = episode.replay()
    for (let next = replay.next(); next.done !== true; next = replay.next()) {
      const i = next.value.y * maze.width + next.value.x
      if (counts[i] === 0) this.#visited++
      if (counts[i]! < 255) counts[i]!++
      this.#tail[this.#tailCount++ & TAIL_MASK] = i
    }
    this.#counts = counts
    return true
  }

  #status(): { steps: number; pos: number; keyStep: number | null; exitStep: number | null } {
    const e = this.#entry.episode!
    return {
      steps: e.steps,
      pos: e.y * this.#width + e.x,
      keyStep: orNull(e.keyStep),
      // An episode ends on the exit holding the key: its last step is the exit's.
      exitStep: e.status === EpisodeStatus.Solved ? e.steps : null,
    }
  }

  #snapshot(): Buffer {
    const { steps, pos, keyStep, exitStep } = this.#status()
    const tailLength = Math.min(this.#tailCount, TAIL)
    const tail: number[] = []
    for (let k = this.#tailCount - tailLength; k < this.#tailCount; k++) tail.push(this.#tail[k & TAIL_MASK]!)
    const counts = this.#counts
    const state = {
      run: 1,
      steps,
      pos,
      keyStep,
      exitStep,
      done: this.#entry.ended,
      visited: this.#visited,
      tail,
      counts: counts === undefined ? null : Buffer.from(counts.buffer, counts.byteOffset, counts.length).toString('base64'),
      status: this.#entry.status,
      bumps: this.#entry.episode!.bumps,
    }
    return sseEvent('state', JSON.stringify(state))
  }

  /** The moves since the last batch: `path` holds the cells of steps `steps - path.length + 1 .. steps`. */
  #moves(): Buffer {
    const { steps, pos, keyStep, exitStep } = this.#status()
    const path = this.#counts !== undefined ? this.#pending.subarray(0, this.#pendingLength).join(',') : String(pos)
    return sseEvent(
      'moves',
      `{"run":1,"steps":${steps},"path":[${path}],"keyStep":${keyStep},"exitStep":${exitStep},"done":${this.#entry.ended},"visited":${this.#visited},"status":"${this.#entry.status}","bumps":${this.#entry.episode!.bumps}}`,
    )
  }
}
