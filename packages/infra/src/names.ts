// The stack's names and choices, apart from the CDK constructs: the commands' flags and the image
// pushes read them without loading aws-cdk-lib (which takes seconds to load).

/** Which EC2 capacity the EC2 queue uses: Spot first and On-Demand when Spot has none (both), or one. */
export const Capacity = { Spot: 'spot', OnDemand: 'on-demand', Both: 'both' } as const
export type Capacity = (typeof Capacity)[keyof typeof Capacity]

/** The names the job definition templates' defaults use (resolveParams of @maze-sim/batch). */
export const NAMES = {
  jobRole: 'maze-sim-batch-job',
  executionRole: 'maze-sim-batch-execution',
  modelRepository: 'maze-sim/model',
  agentRepository: 'maze-sim/agent',
  /** A team's own agent image (its strategy built in): `maze-batch register --agent-image <uri> --name <team>`. */
  teamAgentRepository: 'maze-sim/team-agent',
  logGroup: '/aws/batch/maze-sim',
  /** Where the collector's awsemf exporter writes the metrics (collector/aws.yaml of @maze-sim/telemetry). */
  metricsLogGroup: '/maze-sim/metrics',
  ec2Queue: 'maze-sim',
  fargateQueue: 'maze-sim-fargate',
} as const
