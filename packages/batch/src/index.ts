// @maze-sim/batch: the job definition (templates, render, check), submissions, AWS calls, results,
// and the local runner, for programs that drive AWS Batch without the CLI.
export { BatchError, BatchErrorCode, isBatchError } from './errors.ts'
export {
  render,
  resolveParams,
  fillTemplate,
  readJsonFile,
  Platform,
  partitionOf,
  TEMPLATE_FILES,
  LOCAL_IMAGES,
  DEFAULT_COLLECTOR_IMAGE,
  ecrRegistry,
} from './template.ts'
export type { RenderOptions, TemplateParams } from './template.ts'
export { checkJobDefinition, assertValidJobDefinition, formatProblems, Severity, MAX_CONTAINERS } from './check.ts'
export type { Problem } from './check.ts'
export {
  JOB_ENV_PRELOAD,
  JobEnv,
  jobEnvNodeOptions,
  jobEnvChanges,
  deriveJobEnv,
  JobEnvError,
  readPacking,
  packedChildSeeds,
  MAX_SWEEP_SEEDS,
  MAX_SEEDS_PER_CHILD,
} from './job-env.ts'
export type { JobEnvChanges, Packing } from './job-env.ts'
export {
  planSubmissions,
  formatPlan,
  jobNameFor,
  packedJobName,
  packingSavings,
  ContainerName,
  MAX_ARRAY_SIZE,
  MAX_RUNS_PER_CHILD,
  DEFAULT_SEED_BASE,
  DEFAULT_CHILD_OVERHEAD_S,
} from './submit.ts'
export type { SubmitOptions, PlannedJob, PackedPlan, PackedChild, EnvOverride } from './submit.ts'
export { packedJobOf, packedResults, expectedRuns, formatMissing, summarizePacked } from './packed-results.ts'
export type { PackedJob, PackedResults, ChildLogs, AttemptLogs, RunRow, MissingRun } from './packed-results.ts'
export { missingRunsOptions, planMissing } from './resubmit.ts'
export type { ResubmitBase } from './resubmit.ts'
export { ChildProgress, formatDuration } from './progress.ts'
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
  describeWithChildren,
  describedPacking,
  fetchPackedLogs,
  resultsOf,
  RESULT_FILTER_PATTERN,
} from './aws.ts'
export type { DescribedJob } from './aws.ts'
export { formatJob, childProgress, doneCounts, watchJobs } from './status.ts'
export {
  findResult,
  resultsFromDirectory,
  summarizeResults,
  RESULT_KEYS,
  localPackedJob,
  packedChildrenFromDirectory,
  readLocalJob,
} from './results.ts'
export type { ResultRow, RunResult } from './results.ts'
export { runLocalJob, containerArgs, ESSENTIAL_EXITED, TIMEOUT_REASON, LABEL, OWNER_LABEL, KEEP_LABEL } from './local/runner.ts'
export type { LocalRunOptions, LocalJobRun, LocalRunRow } from './local/runner.ts'
export { DockerCli } from './local/docker.ts'
export { runCli, ExitCode, USAGE, COMMANDS } from './cli.ts'
export type { MoreCommands } from './cli.ts'
export { runMain } from './run-main.ts'
// What a package on top (@maze-sim/infra) needs to add commands to `maze-batch`.
export { helpOption, json } from './commands/command.ts'
export type { CliIo, Command, Values } from './commands/command.ts'
export { AWS_FLAGS, awsOf, awsOptions, num, str } from './commands/flags.ts'
export { awsError, clientConfig, resolveRegion } from './aws.ts'
export type { AwsOptions } from './aws.ts'
export { usageError } from './errors.ts'
export { REPO_ROOT } from './template.ts'
export { createCloudFormationClient, DEFAULT_STACK_NAME, describeStackOutputs, STACK_OUTPUTS } from './stack.ts'
export type { StackOutputs } from './stack.ts'
// The SDK types of what this package reads and writes, for callers without their own SDK dependency.
export type { RegisterJobDefinitionCommandInput, SubmitJobCommandInput, TaskContainerProperties, JobDetail } from '@aws-sdk/client-batch'
