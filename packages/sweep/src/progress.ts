// The sweep's progress bar with an ETA on stderr: the programs' one progress line
// (@maze-sim/config/progress), counting runs, with their rate, under the label `sweep`.
import { ProgressLine, type ProgressOptions, type ProgressStream } from '@maze-sim/config/progress'

export { formatDuration, type ProgressStream } from '@maze-sim/config/progress'

/** `sweep: 25/100 runs (25%), 5.0 runs/s, elapsed 5s, ETA 15s` (on a terminal: `sweep [███░░] ...`, redrawn). */
export class Progress extends ProgressLine {
  constructor(stream: ProgressStream, options: Omit<ProgressOptions, 'unit' | 'says' | 'rate'> = {}) {
    super(stream, { label: 'sweep', ...options, unit: 'runs', rate: true })
  }
}
