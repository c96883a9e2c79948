// The cdk-nag (AwsSolutions) findings this stack accepts, each on the one construct it concerns and
// with the reason. Everything else nag reports fails the synth (and so the tests and the deploy).
import { Validations, type Stack } from 'aws-cdk-lib'
import type { IConstruct } from 'constructs'

export interface Acknowledgement {
  /** The construct, by its path under the stack. */
  readonly path: string
  /** The rule and finding, as cdk-nag names it. */
  readonly id: string
  readonly reason: string
}

const INSTANCE_ROLE_POLICY =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]'
const INSTANCE_ROLE_REASON =
  "AmazonEC2ContainerServiceforEC2Role is the instance role AWS Batch documents for its ECS container instances (the ECS agent registers the instance, polls for tasks, pulls images, sends the containers' logs); AWS keeps it in step with the agent's calls"

/** Every accepted finding, with why. */
export const ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  {
    path: 'ExecutionRole/DefaultPolicy/Resource',
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'ecr:GetAuthorizationToken has no resource-level permissions (it is account-wide by design); pulling is limited to the stack repositories and logs to the job log group',
  },
  {
    path: 'JobRole/Resource',
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      "packages/batch/iam/job-role-policy.json as documented: the X-Ray actions have no resource-level permissions, and the collector's awsemf exporter creates its log group and one log stream per task at run time (DescribeLogGroups is account-wide)",
  },
  { path: 'SpotComputeEnvironment/InstanceProfileRole/Resource', id: INSTANCE_ROLE_POLICY, reason: INSTANCE_ROLE_REASON },
  { path: 'OnDemandComputeEnvironment/InstanceProfileRole/Resource', id: INSTANCE_ROLE_POLICY, reason: INSTANCE_ROLE_REASON },
]

/** Applies ACKNOWLEDGEMENTS to the stack's constructs (those present: a capacity choice drops a compute environment). */
export function suppressNagFindings(stack: Stack): void {
  for (const { path, id, reason } of ACKNOWLEDGEMENTS) {
    const construct = path.split('/').reduce<IConstruct | undefined>((c, part) => c?.node.tryFindChild(part), stack)
    if (construct !== undefined) Validations.of(construct).acknowledge({ id, reason })
  }
}
