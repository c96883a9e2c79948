// @maze-sim/infra: the AWS Batch infrastructure of maze-sim as a CDK app, and the commands that
// deploy it, push the images and destroy it.
export { buildApp } from './app.ts'
export type { AppOptions } from './app.ts'
export { MazeSimStack, Capacity, NAMES, JOB_ROLE_POLICY_FILE, renderOptionsFor } from './stack.ts'
export type { MazeSimStackProps } from './stack.ts'
export { ACKNOWLEDGEMENTS, suppressNagFindings } from './nag.ts'
export { jobDefinitionProps, fromCloudFormation } from './job-definition.ts'
export { INFRA_COMMANDS } from './commands/index.ts'
export { pushImages } from './commands/push-images.ts'
export { pushSteps, ecrLogin, requireRepositories, requireDocker, dockerRunner, PROGRAMS } from './images.ts'
export type { DockerStep, DockerRunner } from './images.ts'
export { callerAccount, requireRegion } from './aws.ts'
