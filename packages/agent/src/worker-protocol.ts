// The shared-memory protocol between the runner and a strategy's worker (isolated-strategy.ts,
// strategy-worker.ts). One decision: the runner writes the observation, sets State.Asked and
// notifies; the worker answers in I32.Answer (a direction, or one of the ANSWER_* codes with a
// text), sets State.Answered and notifies. Loading and creating go through messages (once a run).
import type { Point } from '@maze-sim/maze'

/** Int32 slots of the shared buffer. */
export const I32 = {
  // Slots 0-1 hold the step count as a Float64 (steps can pass 2^31 on the largest mazes).
  State: 2,
  /** Set by the runner when the worker is gone or the run aborted: wakes a waiting decision. */
  Gone: 3,
  X: 4,
  Y: 5,
  /** Index in LABELS. */
  Here: 6,
  /** Bit d set = side d open. */
  Open: 7,
  HasKey: 8,
  Answer: 9,
  /** Bytes of UTF-8 text at TEXT_OFFSET (an error message, or what an invalid answer was). */
  TextLength: 10,
} as const

export const State = { Idle: 0, Asked: 1, Answered: 2 } as const

export const ANSWER_NULL = -1
export const ANSWER_THREW = -2
export const ANSWER_INVALID = -3

export const LABELS = ['S', 'E', 'K', ' '] as const

export const TEXT_OFFSET = 64
const TEXT_MAX = 4096
export const BUFFER_BYTES = TEXT_OFFSET + TEXT_MAX

/** Writes `text` (cut to fit) into the text area. */
export function writeText(shared: Int32Array, bytes: Uint8Array, text: string): void {
  const { written } = new TextEncoder().encodeInto(text, bytes.subarray(TEXT_OFFSET, TEXT_OFFSET + TEXT_MAX))
  shared[I32.TextLength] = written
}

export function readText(shared: Int32Array, bytes: Uint8Array): string {
  // TextDecoder does not take views of shared memory: copy first.
  return new TextDecoder().decode(bytes.slice(TEXT_OFFSET, TEXT_OFFSET + shared[I32.TextLength]!))
}

/** What the worker starts with (workerData). */
export interface WorkerRequest {
  readonly specifier: string
  readonly cwd: string
  readonly buffer: SharedArrayBuffer
}

/** The one message the runner sends: create the run's explorer. */
export interface CreateMessage {
  readonly type: 'create'
  readonly context: { readonly width: number; readonly height: number; readonly start: Point; readonly rngSeed: number }
}

/** The worker's messages. */
export type WorkerReply =
  | { readonly type: 'loaded'; readonly name: string; readonly description: string }
  | { readonly type: 'load-error'; readonly message: string }
  | { readonly type: 'created' }
  | { readonly type: 'create-error'; readonly message: string }
