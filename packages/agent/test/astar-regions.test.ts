import { createRng } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { MinHeap } from '../src/strategies/astar/min-heap.ts'
import { UnknownRegions } from '../src/strategies/astar/regions.ts'

/** The regions recomputed from scratch: a flood fill over the unsensed cells. */
function floodFill(width: number, height: number, sensed: Uint8Array): Int32Array {
  const component = new Int32Array(width * height).fill(-1)
  let count = 0
  for (let s = 0; s < width * height; s++) {
    if (sensed[s] || component[s]! >= 0) continue
    const stack = [s]
    component[s] = count
    while (stack.length > 0) {
      const c = stack.pop()!
      const x = c % width
      const y = (c - x) / width
      for (const [nx, ny] of [
        [x, y - 1],
        [x + 1, y],
        [x, y + 1],
        [x - 1, y],
      ] as const) {
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
        const n = ny * width + nx
        if (sensed[n] || component[n]! >= 0) continue
        component[n] = count
        stack.push(n)
      }
    }
    count++
  }
  return component
}

describe('astar internals', () => {
  test.each([
    [1, 6],
    [6, 1],
    [2, 7],
    [7, 3],
    [6, 6],
    [11, 4],
    [13, 9],
  ])('UnknownRegions matches a flood fill after every cell sensed, in random order, on %ix%i grids', (width, height) => {
    const area = width * height
    for (let seed = 1; seed <= 30; seed++) {
      const rng = createRng(seed)
      const keyCandidate = Uint8Array.from({ length: area }, () => (rng.float() < 0.5 ? 1 : 0))
      const exitCandidate = Uint8Array.from({ length: area }, () => (rng.float() < 0.3 ? 1 : 0))
      const regions = new UnknownRegions(width, height, keyCandidate.slice(), exitCandidate.slice())
      const order = Array.from({ length: area }, (_, i) => i)
      for (let i = area - 1; i > 0; i--) {
        const j = rng.int(i + 1)
        ;[order[i], order[j]] = [order[j]!, order[i]!]
      }
      const sensed = new Uint8Array(area)
      for (const cell of order) {
        sensed[cell] = 1
        regions.sense(cell)
        const entry = rng.int(area)
        if (!sensed[entry] && rng.float() < 0.3) regions.addEntry(entry)

        const component = floodFill(width, height, sensed)
        const idOf = new Map<number, number>() // flood-fill component -> region id
        const stats = new Map<number, [number, number, number, number]>()
        for (let c = 0; c < area; c++) {
          if (sensed[c]) {
            expect(regions.regionOf[c]).toBe(-1)
            continue
          }
          const id = regions.regionOf[c]!
          const known = idOf.get(component[c]!)
          if (known === undefined) idOf.set(component[c]!, id)
          else expect(id, `seed ${seed}: one component, two region ids`).toBe(known)
          const s = stats.get(id) ?? [0, 0, 0, 0]
          stats.set(id, [s[0] + 1, s[1] + keyCandidate[c]!, s[2] + exitCandidate[c]!, s[3] + regions.isEntry[c]!])
        }
        expect(new Set(idOf.values()).size, `seed ${seed}: two components share a region id`).toBe(idOf.size)
        for (const [id, [size, keys, exits, entries]] of stats) {
          expect([regions.size(id), regions.keyCells(id), regions.exitCells(id), regions.entries(id)]).toEqual([size, keys, exits, entries])
        }
      }
    }
  })

  test('UnknownRegions counts candidates that are ruled out after the start', () => {
    const regions = new UnknownRegions(3, 1, Uint8Array.of(1, 1, 1), Uint8Array.of(1, 0, 1))
    regions.sense(1) // splits the corridor in two
    const left = regions.regionOf[0]!
    const right = regions.regionOf[2]!
    expect(left).not.toBe(right)
    regions.setKeyCandidate(0, 0)
    regions.setExitCandidate(2, 0)
    expect([regions.keyCells(left), regions.exitCells(left)]).toEqual([0, 1])
    expect([regions.keyCells(right), regions.exitCells(right)]).toEqual([1, 0])
  })

  test('MinHeap pops cells in order of their keys', () => {
    const rng = createRng(5)
    const heap = new MinHeap()
    const keys = Array.from({ length: 500 }, () => rng.int(100) + rng.float())
    for (const [cell, k] of keys.entries()) heap.push(cell, k)
    const popped: number[] = []
    while (heap.size > 0) {
      const key = heap.peekKey()
      expect(keys[heap.pop()]).toBe(key)
      popped.push(key)
    }
    expect(popped).toEqual([...keys].sort((a, b) => a - b))
  })
})
