/** Stable error codes of the batch CLI and library. */
export const BatchErrorCode = {
  /** A bad command line: unknown command or flag, a missing or malformed value. */
  Usage: 'BATCH_ERR_USAGE',
  /** A template or job definition file that cannot be read or parsed, or a parameter left unfilled. */
  Template: 'BATCH_ERR_TEMPLATE',
  /** A job definition that breaks a rule of AWS Batch or of this project (`check`). */
  Check: 'BATCH_ERR_CHECK',
  /** An AWS call failed (credentials, region, permissions, a Batch or CloudWatch Logs error). */
  Aws: 'BATCH_ERR_AWS',
  /** A job id that AWS Batch does not know (or no longer shows: jobs are kept for about 7 days). */
  JobNotFound: 'BATCH_ERR_JOB_NOT_FOUND',
  /** The stack of `pnpm batch deploy` is not in the account and region (submit without --queue). */
  StackNotFound: 'BATCH_ERR_STACK_NOT_FOUND',
  /** Results could not be read (no log stream yet, no result line, a missing local run directory). */
  Results: 'BATCH_ERR_RESULTS',
  /** The Docker engine is not reachable, or a docker command failed (local runner). */
  Docker: 'BATCH_ERR_DOCKER',
  /** An image of the job definition is not on the local Docker engine (the local runner never pulls). */
  ImageMissing: 'BATCH_ERR_IMAGE_MISSING',
  /** SIGINT or SIGTERM stopped the command (exit 130 or 143). */
  Interrupted: 'BATCH_ERR_INTERRUPTED',
} as const
export type BatchErrorCode = (typeof BatchErrorCode)[keyof typeof BatchErrorCode]

/** A batch error with a stable, prefixed code; lower-level errors are kept as `cause`. */
export class BatchError extends Error {
  override readonly name = 'BatchError'
  readonly code: BatchErrorCode
  constructor(code: BatchErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

export const isBatchError = (err: unknown): err is BatchError => err instanceof BatchError

export const usageError = (message: string, cause?: unknown): BatchError =>
  new BatchError(BatchErrorCode.Usage, message, cause === undefined ? undefined : { cause })
