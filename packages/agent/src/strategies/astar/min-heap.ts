/** A binary min-heap of cell indices keyed by numbers, on growable typed arrays. */
export class MinHeap {
  #keys = new Float64Array(64)
  #cells = new Int32Array(64)
  #size = 0

  get size(): number {
    return this.#size
  }

  clear(): void {
    this.#size = 0
  }

  /** The smallest key; the heap must not be empty. */
  peekKey(): number {
    return this.#keys[0]!
  }

  push(cell: number, key: number): void {
    if (this.#size === this.#keys.length) {
      const keys = new Float64Array(this.#size * 2)
      keys.set(this.#keys)
      this.#keys = keys
      const cells = new Int32Array(this.#size * 2)
      cells.set(this.#cells)
      this.#cells = cells
    }
    const keys = this.#keys
    const cells = this.#cells
    let i = this.#size++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (keys[parent]! <= key) break
      keys[i] = keys[parent]!
      cells[i] = cells[parent]!
      i = parent
    }
    keys[i] = key
    cells[i] = cell
  }

  /** Removes and returns the cell with the smallest key; the heap must not be empty. */
  pop(): number {
    const keys = this.#keys
    const cells = this.#cells
    const top = cells[0]!
    const n = --this.#size
    if (n > 0) {
      const key = keys[n]!
      const cell = cells[n]!
      let i = 0
      for (;;) {
        let child = 2 * i + 1
        if (child >= n) break
        if (child + 1 < n && keys[child + 1]! < keys[child]!) child++
        if (keys[child]! >= key) break
        keys[i] = keys[child]!
        cells[i] = cells[child]!
        i = child
      }
      keys[i] = key
      cells[i] = cell
    }
    return top
  }
}
