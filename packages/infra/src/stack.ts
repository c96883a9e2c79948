// Everything a maze-sim run on AWS Batch needs, as one CloudFormation stack: the image repositories,
// a VPC, compute environments (EC2 Spot and On-Demand, Fargate), the job queues, the two job
// definitions, their roles and log groups, and the outputs `pnpm batch submit` reads.
//
// The job definitions are not written here: they are `render()` of @maze-sim/batch (its templates in
// job-definitions/), the very JSON `pnpm batch render` prints and `pnpm batch check` validates. The stack names
// its roles, repositories and log group as render's defaults expect them (maze-sim-batch-job,
// maze-sim/model, /aws/batch/maze-sim, ...), so the rendered definition needs no token and is
// byte-for-byte what `pnpm batch render --account <id> --region <region>` prints.
import { fileURLToPath } from 'node:url'
import { readJsonFile, render, resolveParams, STACK_OUTPUTS, type Platform, type RenderOptions } from '@maze-sim/batch'
import { CfnOutput, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib'
import * as batch from 'aws-cdk-lib/aws-batch'
import * as ec2 from 'aws-cdk-lib/aws-ec2'
import * as ecr from 'aws-cdk-lib/aws-ecr'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as logs from 'aws-cdk-lib/aws-logs'
import type { Construct } from 'constructs'
import { jobDefinitionProps } from './job-definition.ts'
import { Capacity, NAMES } from './names.ts'

export { Capacity, NAMES }

/** The job role's policy: @maze-sim/batch's IAM document (its iam/, beside the templates). */
export const JOB_ROLE_POLICY_FILE = fileURLToPath(import.meta.resolve('@maze-sim/batch/iam/job-role-policy.json'))

export interface MazeSimStackProps extends StackProps {
  /** The account and region are required: the job definitions hold the image URIs and role ARNs. */
  readonly env: { readonly account: string; readonly region: string }
  /** The images' tag in ECR (default latest). */
  readonly imageTag?: string | undefined
  /** EC2 capacity of the `maze-sim` queue (default both: Spot, then On-Demand). */
  readonly capacity?: Capacity | undefined
  /** The most vCPUs each compute environment runs at once (default 256). */
  readonly maxVcpus?: number | undefined
  /** How long the jobs' logs are kept (default one month). */
  readonly logRetention?: logs.RetentionDays | undefined
}

/** The render options of the stack's job definitions: what `pnpm batch render` is given for the same result. */
export const renderOptionsFor = (props: Pick<MazeSimStackProps, 'env' | 'imageTag'>, platform: Platform): RenderOptions => ({
  platform,
  account: props.env.account,
  region: props.env.region,
  imageTag: props.imageTag,
})

export class MazeSimStack extends Stack {
  readonly repositories: Readonly<Record<'model' | 'agent' | 'teamAgent', ecr.Repository>>
  readonly jobRole: iam.Role
  readonly executionRole: iam.Role

  constructor(scope: Construct, id: string, props: MazeSimStackProps) {
    super(scope, id, props)
    // Fail here, at synth, with render's message (names the flag), rather than at deploy.
    resolveParams(renderOptionsFor(props, 'ec2'))

    const repository = (cid: string, repositoryName: string) =>
      new ecr.Repository(this, cid, {
        repositoryName,
        imageScanOnPush: true,
        // `pnpm batch destroy` removes everything, images included: they are rebuilt from the sources.
        removalPolicy: RemovalPolicy.DESTROY,
        emptyOnDelete: true,
        lifecycleRules: [{ description: 'keep the last 20 images', maxImageCount: 20 }],
      })
    this.repositories = {
      model: repository('ModelImages', NAMES.modelRepository),
      agent: repository('AgentImages', NAMES.agentRepository),
      teamAgent: repository('TeamAgentImages', NAMES.teamAgentRepository),
    }

    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH
    const logGroup = new logs.LogGroup(this, 'JobLogs', { logGroupName: NAMES.logGroup, retention, removalPolicy: RemovalPolicy.DESTROY })
    // The collector's metrics (EMF): made here so they have a retention too, and go with the stack.
    new logs.LogGroup(this, 'MetricsLogs', {
      logGroupName: NAMES.metricsLogGroup,
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    })

    // The execution role: pull the two images of ours (the collector's is public) and write the
    // containers' logs to the one log group; nothing else.
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      roleName: NAMES.executionRole,
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'maze-sim Batch jobs: pull the model and agent images, write the containers logs',
    })
    for (const repo of Object.values(this.repositories)) repo.grantPull(this.executionRole)
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}`] }),
    )

    // The job (task) role: what the collector sends, exactly @maze-sim/batch's iam/job-role-policy.json.
    this.jobRole = new iam.Role(this, 'JobRole', {
      roleName: NAMES.jobRole,
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'maze-sim Batch jobs: the collector sends traces to X-Ray and metrics as EMF logs',
      inlinePolicies: { collector: iam.PolicyDocument.fromJson(readJsonFile(JOB_ROLE_POLICY_FILE)) },
    })

    const vpc = this.network()
    const ec2Queue = this.ec2Queue(vpc, props)
    const fargateQueue = this.fargateQueue(vpc, props)

    const definitions = { ec2: 'Ec2Definition', fargate: 'FargateDefinition' } as const
    const registered = Object.fromEntries(
      (Object.entries(definitions) as [Platform, string][]).map(([platform, cid]) => {
        const definition = new batch.CfnJobDefinition(this, cid, jobDefinitionProps(render(renderOptionsFor(props, platform))))
        // The definition names the roles and the log group by ARN and name, not by reference:
        // CloudFormation must create them first all the same.
        definition.node.addDependency(this.jobRole, this.executionRole, logGroup)
        return [platform, definition]
      }),
    ) as Record<Platform, batch.CfnJobDefinition>

    const output = (key: keyof typeof STACK_OUTPUTS, value: string, description: string) =>
      new CfnOutput(this, STACK_OUTPUTS[key], { value, description })
    output('queue', ec2Queue.jobQueueName, 'the EC2 job queue (pnpm batch submit --queue)')
    output('fargateQueue', fargateQueue.jobQueueName, 'the Fargate job queue')
    output('jobDefinition', registered.ec2.ref, 'the EC2 job definition ARN (pnpm batch submit --job-definition)')
    output('fargateJobDefinition', registered.fargate.ref, 'the Fargate job definition ARN')
    output('region', this.region, 'the region of the queues')
    output('logGroup', logGroup.logGroupName, "the containers' log group (pnpm batch results)")
    output('modelRepository', this.repositories.model.repositoryUri, 'push the model image here (pnpm batch push-images)')
    output('agentRepository', this.repositories.agent.repositoryUri, 'push the agent image here (pnpm batch push-images)')
    output(
      'teamAgentRepository',
      this.repositories.teamAgent.repositoryUri,
      "a team's agent image (pnpm batch register --agent-image <uri>:<tag> --name <team>)",
    )
  }

  /**
   * The first two zones of the region, resolved by CloudFormation at deploy time (Fn::GetAZs): an
   * account-specific stack would otherwise look them up at synth, with credentials and network.
   */
  override get availabilityZones(): string[] {
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())]
  }

  /**
   * A VPC of its own (no lookup: synth needs no credentials), public subnets only: the tasks pull
   * their images over the internet gateway with a public IP, so there is no NAT gateway to pay for.
   * Nothing listens: the compute environments' security group allows no ingress.
   */
  private network(): ec2.Vpc {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 20 }],
    })
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY })
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    })
    return vpc
  }

  private ec2Queue(vpc: ec2.Vpc, props: MazeSimStackProps): batch.JobQueue {
    const capacity = props.capacity ?? Capacity.Both
    const maxvCpus = props.maxVcpus ?? 256
    const environment = (cid: string, spot: boolean) =>
      new batch.ManagedEc2EcsComputeEnvironment(this, cid, {
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
        spot,
        ...(spot ? { allocationStrategy: batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED } : {}),
        minvCpus: 0,
        maxvCpus,
        // Instances are replaced, never patched in place: a job is at most an hour.
        updateToLatestImageVersion: true,
      })
    const environments: batch.ManagedEc2EcsComputeEnvironment[] = []
    if (capacity !== Capacity.OnDemand) environments.push(environment('SpotComputeEnvironment', true))
    if (capacity !== Capacity.Spot) environments.push(environment('OnDemandComputeEnvironment', false))
    return new batch.JobQueue(this, 'Ec2JobQueue', {
      jobQueueName: NAMES.ec2Queue,
      priority: 1,
      computeEnvironments: environments.map((computeEnvironment, i) => ({ computeEnvironment, order: i + 1 })),
    })
  }

  private fargateQueue(vpc: ec2.Vpc, props: MazeSimStackProps): batch.JobQueue {
    const environment = new batch.FargateComputeEnvironment(this, 'FargateComputeEnvironment', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      maxvCpus: props.maxVcpus ?? 256,
    })
    return new batch.JobQueue(this, 'FargateJobQueue', {
      jobQueueName: NAMES.fargateQueue,
      priority: 1,
      computeEnvironments: [{ computeEnvironment: environment, order: 1 }],
    })
  }
}
