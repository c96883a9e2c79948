// How AWS Batch combines a job definition with a SubmitJob's ecsPropertiesOverride, for the local
// runner: per container (by name) the command is replaced, environment variables are merged by
// name (the override wins), resource requirements are merged by type.
import type {
  EcsPropertiesOverride,
  KeyValuePair,
  RegisterJobDefinitionCommandInput,
  ResourceRequirement,
  SubmitJobCommandInput,
  TaskContainerProperties,
} from '@aws-sdk/client-batch'
import { BatchError, BatchErrorCode } from './errors.ts'

const mergeBy = <T>(base: readonly T[] | undefined, extra: readonly T[] | undefined, key: (item: T) => string | undefined): T[] => {
  const out = [...(base ?? [])]
  for (const item of extra ?? []) {
    const i = out.findIndex((existing) => key(existing) === key(item))
    if (i >= 0) out[i] = item
    else out.push(item)
  }
  return out
}

/** The job definition as a job submitted with `override` runs it (the input is not modified). */
export function applyEcsOverride(
  definition: RegisterJobDefinitionCommandInput,
  override: EcsPropertiesOverride | undefined,
): RegisterJobDefinitionCommandInput {
  const task = definition.ecsProperties?.taskProperties?.[0]
  if (task === undefined) throw new BatchError(BatchErrorCode.Check, 'the job definition has no ecsProperties.taskProperties[0]')
  const overrides = override?.taskProperties ?? []
  if (overrides.length > 1)
    throw new BatchError(BatchErrorCode.Usage, 'ecsPropertiesOverride.taskProperties holds more than one task; a job has exactly one')
  const byName = new Map<string, TaskContainerProperties>()
  for (const c of task.containers ?? []) if (c.name !== undefined) byName.set(c.name, c)
  const changed = new Map<string, TaskContainerProperties>()
  for (const o of overrides[0]?.containers ?? []) {
    const base = o.name === undefined ? undefined : byName.get(o.name)
    if (base === undefined) {
      throw new BatchError(
        BatchErrorCode.Usage,
        `ecsPropertiesOverride names container ${JSON.stringify(o.name)}, which the job definition does not have (its containers: ${[...byName.keys()].join(', ')})`,
      )
    }
    const current = changed.get(base.name!) ?? base
    changed.set(base.name!, {
      ...current,
      ...(o.command !== undefined ? { command: [...o.command] } : {}),
      ...(o.environment !== undefined ? { environment: mergeBy<KeyValuePair>(current.environment, o.environment, (kv) => kv.name) } : {}),
      ...(o.resourceRequirements !== undefined
        ? { resourceRequirements: mergeBy<ResourceRequirement>(current.resourceRequirements, o.resourceRequirements, (r) => r.type) }
        : {}),
    })
  }
  return {
    ...definition,
    ecsProperties: {
      taskProperties: [
        { ...task, containers: (task.containers ?? []).map((c) => (c.name !== undefined ? (changed.get(c.name) ?? c) : c)) },
      ],
    },
  }
}

/** The definition for a submission: its ecsPropertiesOverride, retry strategy and timeout applied. */
export function applySubmission(
  definition: RegisterJobDefinitionCommandInput,
  submission: SubmitJobCommandInput,
): RegisterJobDefinitionCommandInput {
  if (submission.containerOverrides !== undefined) {
    throw new BatchError(
      BatchErrorCode.Usage,
      'containerOverrides is rejected by AWS Batch for ecsProperties (multi-container) jobs: put the overrides in ecsPropertiesOverride.taskProperties[0].containers[] with the container name',
    )
  }
  const applied = applyEcsOverride(definition, submission.ecsPropertiesOverride)
  return {
    ...applied,
    ...(submission.retryStrategy !== undefined ? { retryStrategy: submission.retryStrategy } : {}),
    ...(submission.timeout !== undefined ? { timeout: submission.timeout } : {}),
  }
}
