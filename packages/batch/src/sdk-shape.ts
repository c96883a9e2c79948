// The field names of the SDK's job definition structures, as runtime sets, for `check` to reject a
// misspelled or unsupported field in a JSON file (JSON has no types). Each list is tied to the SDK
// type both ways at compile time: a name that is not a field does not compile, and neither does a
// list that misses a field the SDK has, so a new SDK release that adds one fails `typecheck` here.
import type {
  EcsProperties,
  EcsTaskProperties,
  EvaluateOnExit,
  JobTimeout,
  KeyValuePair,
  LogConfiguration,
  NetworkConfiguration,
  RegisterJobDefinitionCommandInput,
  ResourceRequirement,
  RetryStrategy,
  TaskContainerDependency,
  TaskContainerProperties,
} from '@aws-sdk/client-batch'
import { JobDefinitionType, LogDriver, PlatformCapability, ResourceType, RetryAction } from '@aws-sdk/client-batch'

type MissingKeys<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>

/** `fieldsOf<T>()([...])`: the complete list of T's fields (a missing one is a compile error naming it). */
const fieldsOf =
  <T>() =>
  <const K extends readonly (keyof T & string)[]>(
    keys: K & ([MissingKeys<T, K>] extends [never] ? unknown : { missingFields: MissingKeys<T, K> }),
  ): ReadonlySet<string> =>
    new Set<string>(keys)

export const Fields = {
  RegisterJobDefinitionRequest: fieldsOf<RegisterJobDefinitionCommandInput>()([
    'jobDefinitionName',
    'type',
    'parameters',
    'schedulingPriority',
    'containerProperties',
    'nodeProperties',
    'retryStrategy',
    'propagateTags',
    'timeout',
    'tags',
    'platformCapabilities',
    'eksProperties',
    'ecsProperties',
    'consumableResourceProperties',
  ]),
  EcsProperties: fieldsOf<EcsProperties>()(['taskProperties']),
  EcsTaskProperties: fieldsOf<EcsTaskProperties>()([
    'containers',
    'ephemeralStorage',
    'executionRoleArn',
    'platformVersion',
    'ipcMode',
    'taskRoleArn',
    'pidMode',
    'networkConfiguration',
    'runtimePlatform',
    'volumes',
    'enableExecuteCommand',
    'networkMode',
  ]),
  TaskContainerProperties: fieldsOf<TaskContainerProperties>()([
    'command',
    'dependsOn',
    'environment',
    'essential',
    'firelensConfiguration',
    'image',
    'linuxParameters',
    'logConfiguration',
    'mountPoints',
    'name',
    'privileged',
    'readonlyRootFilesystem',
    'repositoryCredentials',
    'resourceRequirements',
    'secrets',
    'ulimits',
    'user',
    'startTimeout',
    'stopTimeout',
  ]),
  TaskContainerDependency: fieldsOf<TaskContainerDependency>()(['containerName', 'condition']),
  KeyValuePair: fieldsOf<KeyValuePair>()(['name', 'value']),
  ResourceRequirement: fieldsOf<ResourceRequirement>()(['value', 'type']),
  LogConfiguration: fieldsOf<LogConfiguration>()(['logDriver', 'options', 'secretOptions']),
  RetryStrategy: fieldsOf<RetryStrategy>()(['attempts', 'evaluateOnExit']),
  EvaluateOnExit: fieldsOf<EvaluateOnExit>()(['onStatusReason', 'onReason', 'onExitCode', 'action']),
  JobTimeout: fieldsOf<JobTimeout>()(['attemptDurationSeconds']),
  NetworkConfiguration: fieldsOf<NetworkConfiguration>()(['assignPublicIp']),
} as const

/** The SDK's own enumerations (runtime objects), so the allowed values come from the API model. */
export const Allowed = {
  jobDefinitionType: new Set<string>(Object.values(JobDefinitionType)),
  platformCapability: new Set<string>(Object.values(PlatformCapability)),
  logDriver: new Set<string>(Object.values(LogDriver)),
  resourceType: new Set<string>(Object.values(ResourceType)),
  retryAction: new Set<string>(Object.values(RetryAction)),
  /** TaskContainerDependency.condition is a plain string in the SDK; the API accepts these three. */
  dependencyCondition: new Set<string>(['START', 'COMPLETE', 'SUCCESS']),
} as const
