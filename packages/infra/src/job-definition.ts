// A rendered job definition (the RegisterJobDefinition input of the SDK) as the properties of an
// AWS::Batch::JobDefinition, and back. Both use the same field names, the SDK's in camelCase and
// CloudFormation's in PascalCase, except inside the two free-form maps (tags, a log configuration's
// options), whose keys are kept as they are.
import type { RegisterJobDefinitionCommandInput } from '@aws-sdk/client-batch'
import type { CfnJobDefinitionProps } from 'aws-cdk-lib/aws-batch'

/** Maps whose keys are data, not field names. */
const FREE_FORM = new Set(['tags', 'options'])

/**
 * The CfnJobDefinition properties of a rendered definition. The L1 construct takes camelCase names and
 * writes them in PascalCase; a field it does not know would be dropped silently, which is why the tests
 * map the synthesized template back with `fromCloudFormation` and compare it with the rendered input.
 */
export const jobDefinitionProps = (input: RegisterJobDefinitionCommandInput): CfnJobDefinitionProps => input as CfnJobDefinitionProps

const lowerFirst = (key: string): string => key.charAt(0).toLowerCase() + key.slice(1)

/** The properties of an AWS::Batch::JobDefinition in a synthesized template, as the SDK's input. */
export function fromCloudFormation(properties: unknown): RegisterJobDefinitionCommandInput {
  const walk = (value: unknown, keepKeys: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, false))
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          const key = keepKeys ? k : lowerFirst(k)
          return [key, keepKeys ? v : walk(v, FREE_FORM.has(key))]
        }),
      )
    }
    return value
  }
  return walk(properties, false) as RegisterJobDefinitionCommandInput
}
