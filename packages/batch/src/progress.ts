// Children done of children in all, with an ETA, for `run-local` and `watch`: the programs' one
// progress line (@maze-sim/config/progress), counting children.
import { ProgressLine, type ProgressOptions, type ProgressStream } from '@maze-sim/config/progress'

export { formatDuration } from '@maze-sim/config/progress'

/** Where the progress goes (stderr): text, and whether it is a terminal. */
export type ProgressSink = ProgressStream

/** `3/8 children done (37%), elapsed 1:10, ETA 1:57`, the ETA from the rate since the first update. */
export class ChildProgress extends ProgressLine {
  constructor(sink: ProgressSink, options: Omit<ProgressOptions, 'unit' | 'says'> & { readonly unit?: string } = {}) {
    const unit = options.unit ?? 'children'
    super(sink, { ...options, unit, says: `${unit} done` })
  }
}
