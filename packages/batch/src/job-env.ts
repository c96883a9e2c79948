// What each container of a job derives from the variables AWS Batch sets, before the program starts.
//
// The model and agent images run `node <entry>` (an ENTRYPOINT a job definition cannot change, and
// their configuration is read once from the environment), so the job definition preloads this small
// module through NODE_OPTIONS (`--import=data:...`). It needs nothing in the images and does nothing
// unless the variables below are set:
//
// - an array child (AWS_BATCH_JOB_ARRAY_INDEX = i) with MAZE_SWEEP_STRATEGIES = s0,s1,...,s(n-1)
//   runs AGENT_STRATEGY = s(i mod n); with MAZE_SEED_BASE = b it runs MAZE_SEED = b + floor(i / n)
//   (mod 2^32). So every seed is played by every strategy, and the same submission gives the same
//   mazes on every run;
// - MAZE_PORT_FROM_JOB = true moves the model off 5555 to a port derived from AWS_BATCH_JOB_ID
//   (PORT for the model, MAZE_URL for the agent), because on EC2 a job's containers use the host's
//   network: two jobs placed on one instance would otherwise both want 5555. Children of one array
//   job never collide (consecutive ports); other jobs collide with a probability of about 1 in
//   22,000 per pair on one instance.
//
// One implementation: the source below is what runs in the containers, and `deriveJobEnv` runs the
// same source in-process (submit's plan, the local runner's summary, the tests).

/** The JavaScript run before the program; no double quotes, backslashes, `#` or line breaks (NODE_OPTIONS, data: URL). */
export const JOB_ENV_SOURCE = [
  '{',
  'const e = process.env;',
  'const nl = String.fromCharCode(10);',
  "const fail = (m) => { process.stderr.write('maze-sim batch preload: ' + m + nl); process.exit(2) };",
  'const notes = [];',
  "const raw = (e.AWS_BATCH_JOB_ARRAY_INDEX ?? '').trim();",
  "if (raw !== '') {",
  '  const i = Number(raw);',
  "  if (!/^[0-9]{1,5}$/.test(raw)) fail('AWS_BATCH_JOB_ARRAY_INDEX=' + raw + ' is not an array index');",
  "  const list = (e.MAZE_SWEEP_STRATEGIES ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');",
  '  const n = Math.max(1, list.length);',
  "  if (list.length > 0) { e.AGENT_STRATEGY = list[i % n]; notes.push('AGENT_STRATEGY=' + e.AGENT_STRATEGY) }",
  "  const base = (e.MAZE_SEED_BASE ?? '').trim();",
  "  if (base !== '') {",
  "    if (!/^[0-9]{1,10}$/.test(base) || Number(base) > 4294967295) fail('MAZE_SEED_BASE=' + base + ' is not an integer from 0 to 4294967295');",
  "    e.MAZE_SEED = String((Number(base) + Math.floor(i / n)) % 4294967296); notes.push('MAZE_SEED=' + e.MAZE_SEED)",
  '  }',
  '}',
  "if ((e.MAZE_PORT_FROM_JOB ?? '').trim() === 'true') {",
  "  const id = (e.AWS_BATCH_JOB_ID ?? '').trim();",
  "  if (id === '') fail('MAZE_PORT_FROM_JOB=true needs AWS_BATCH_JOB_ID (set by AWS Batch)');",
  "  const [job, index] = id.split(':');",
  '  let h = 2166136261;',
  '  for (const c of job) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;',
  "  const port = 10000 + ((h + Number(index ?? '0')) % 22000);",
  "  e.PORT = String(port); e.MAZE_URL = 'http://127.0.0.1:' + port; notes.push('port ' + port)",
  '}',
  "if (notes.length > 0) process.stderr.write('maze-sim batch: ' + notes.join(', ') + nl);",
  '}',
]
  .map((line) => line.trim())
  .join(' ')

/** The variables the preload reads (besides AWS Batch's own). */
export const JobEnv = {
  /** First maze seed of an array job; child i plays seed + floor(i / strategies). */
  seedBase: 'MAZE_SEED_BASE',
  /** Comma-separated strategies of a sweep; child i runs strategy i mod count. */
  sweepStrategies: 'MAZE_SWEEP_STRATEGIES',
  /** `true`: the model's port comes from AWS_BATCH_JOB_ID (host networking on EC2). */
  portFromJob: 'MAZE_PORT_FROM_JOB',
} as const

/** The NODE_OPTIONS value that preloads JOB_ENV_SOURCE (rendered into the job definition). */
export function jobEnvNodeOptions(): string {
  // In a data: URL `%` starts an escape; NODE_OPTIONS keeps the spaces inside the double quotes.
  return `--import="data:text/javascript,${JOB_ENV_SOURCE.replaceAll('%', '%25')}"`
}

/** A bad value the preload refuses (in a container: the message on stderr, exit code 2). */
export class JobEnvError extends Error {
  override readonly name = 'JobEnvError'
}

/**
 * Runs JOB_ENV_SOURCE in-process on a copy of `env` and returns the resulting environment (what the
 * program in the container sees). Throws a JobEnvError with the preload's message for bad values.
 */
export function deriveJobEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const copy = { ...env }
  let written = ''
  const fakeProcess = {
    env: copy,
    stderr: { write: (text: string) => ((written += text), true) },
    exit: () => {
      throw new JobEnvError(written.trim())
    },
  }
  // The same text the containers run; evaluated here so the CLI and the tests share it.
  compiled ??= new Function('process', JOB_ENV_SOURCE) as (process: unknown) => void
  compiled(fakeProcess)
  return copy
}

let compiled: ((process: unknown) => void) | undefined
