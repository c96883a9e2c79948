// @maze-sim/batch: the job definition (templates, render, check), submissions, AWS calls, results,
// and the local runner, for programs that drive AWS Batch without the CLI.
export { BatchError, BatchErrorCode, isBatchError } from './errors.ts'
export {
  render,
  resolveParams,
  fillTemplate,
  readJsonFile,
  Platform,
  TEMPLATE_FILES,
  LOCAL_IMAGES,
  DEFAULT_COLLECTOR_IMAGE,
  ecrRegistry,
} from './template.ts'
export type { RenderOptions, TemplateParams } from './template.ts'
export { checkJobDefinition, assertValidJobDefinition, formatProblems, Severity, MAX_CONTAINERS } from './check.ts'
export type { Problem } from './check.ts'
export { JOB_ENV_PRELOAD, JobEnv, jobEnvNodeOptions, jobEnvChanges, deriveJobEnv, JobEnvError } from './job-env.ts'
export type { JobEnvChanges } from './job-env.ts'
export { planSubmissions, formatPlan, jobNameFor, ContainerName, MAX_ARRAY_SIZE, DEFAULT_SEED_BASE } from './submit.ts'
export type { SubmitOptions, PlannedJob, EnvOverride } from './submit.ts'
export { applyEcsOverride, applySubmission } from './overrides.ts'
export { evaluateOnExit, shouldRetry, matchesPattern, RetryDecision } from './retry.ts'
export type { AttemptOutcome } from './retry.ts'
export {
  createBatchClient,
  createLogsClient,
  registerJobDefinition,
  submitJob,
  describeJobs,
  listArrayChildren,
  fetchResults,
  RESULT_FILTER_PATTERN,
} from './aws.ts'
export { formatJob, childProgress, watchJobs } from './status.ts'
export { findResult, resultsFromDirectory, summarizeResults, RESULT_KEYS } from './results.ts'
export type { ResultRow, RunResult } from './results.ts'
export { runLocalJob, containerArgs, ESSENTIAL_EXITED, TIMEOUT_REASON, LABEL, OWNER_LABEL, KEEP_LABEL } from './local/runner.ts'
export type { LocalRunOptions, LocalJobRun, LocalRunRow } from './local/runner.ts'
export { DockerCli } from './local/docker.ts'
export { runCli, ExitCode, USAGE } from './cli.ts'
// The SDK types of what this package reads and writes, for callers without their own SDK dependency.
export type { RegisterJobDefinitionCommandInput, SubmitJobCommandInput, TaskContainerProperties, JobDetail } from '@aws-sdk/client-batch'
