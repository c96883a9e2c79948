// docker/compose.yaml and the Batch job definition describe the same run: the same three
// containers from the same images, one shared localhost, the agent started after the model, and
// the same per-run variables reaching the same container. Compose is its own file (it builds the
// images and publishes a port); this test is what keeps the two in step.
import { existsSync, readFileSync } from 'node:fs'
import type { RegisterJobDefinitionCommandInput, TaskContainerProperties } from '@aws-sdk/client-batch'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { planSubmissions } from '../src/submit.ts'
import { DEFAULT_COLLECTOR_IMAGE, LOCAL_IMAGES, Platform, REPO_ROOT, render } from '../src/template.ts'

interface ComposeService {
  image?: string
  network_mode?: string
  depends_on?: Record<string, { condition?: string }> | string[]
  environment?: Record<string, string | null> | string[]
  healthcheck?: unknown
}

const composeFile = `${REPO_ROOT}docker/compose.yaml`
const compose = (): Record<string, ComposeService> => {
  if (!existsSync(composeFile))
    throw new Error(`${composeFile} is missing: the parity test compares it with job-definitions/job-definition.json`)
  return (parse(readFileSync(composeFile, 'utf8')) as { services: Record<string, ComposeService> }).services
}

/** `${VAR:-default}` → default; anything else as is. */
const composeDefault = (value: string): string => /^\$\{[A-Z_]+:-(.*)\}$/.exec(value)?.[1] ?? value
/** The variables a service takes from the caller's environment (`NAME: ${NAME:-}`). */
const passThrough = (s: ComposeService): string[] => {
  const env = s.environment ?? {}
  const entries = Array.isArray(env) ? env.map((e) => e.split('=') as [string, string]) : Object.entries(env)
  return entries.filter(([name, value]) => typeof value === 'string' && value.startsWith(`\${${name}:-`)).map(([name]) => name)
}
const dependsOn = (s: ComposeService): Record<string, string> => {
  const d = s.depends_on ?? {}
  return Array.isArray(d)
    ? Object.fromEntries(d.map((n) => [n, 'service_started']))
    : Object.fromEntries(Object.entries(d).map(([n, v]) => [n, v.condition ?? 'service_started']))
}

const batchContainers = (d: RegisterJobDefinitionCommandInput): TaskContainerProperties[] =>
  d.ecsProperties!.taskProperties![0]!.containers!
const local = render({ local: true })
const onAws = render({ platform: Platform.Ec2, account: '123456789012', region: 'us-east-1' })

describe('docker/compose.yaml and the Batch job definition agree', () => {
  test('the same containers', () => {
    expect(Object.keys(compose()).sort()).toEqual(
      batchContainers(local)
        .map((c) => c.name)
        .sort(),
    )
  })

  test('the same images: compose tags are the local images, and the ECR repositories have the same names', () => {
    const services = compose()
    for (const name of ['model', 'agent'] as const) {
      const image = composeDefault(services[name]!.image!)
      expect(image).toBe(LOCAL_IMAGES[name])
      const repository = image.replace(/:[^:/]+$/, '')
      expect(batchContainers(onAws).find((c) => c.name === name)!.image).toMatch(new RegExp(`\\.amazonaws\\.com/${repository}:latest$`))
    }
    expect(composeDefault(services.collector!.image!)).toBe(DEFAULT_COLLECTOR_IMAGE)
  })

  test('one localhost: in compose the others join the collector; in Batch every container of the task shares it', () => {
    const services = compose()
    expect(services.model!.network_mode).toBe('service:collector')
    expect(services.agent!.network_mode).toBe('service:collector')
    expect(services.collector!.network_mode).toBeUndefined()
    for (const c of batchContainers(onAws)) expect(c).not.toHaveProperty('portMappings')
  })

  test('start-only ordering: the agent starts once the model has started; nothing waits for a health check', () => {
    const services = compose()
    expect(dependsOn(services.agent!)).toMatchObject({ model: 'service_started' })
    expect(batchContainers(local).find((c) => c.name === 'agent')!.dependsOn).toContainEqual({ containerName: 'model', condition: 'START' })
    // Batch's conditions are START, COMPLETE, SUCCESS: compose may use the matching
    // service_started / service_completed_successfully, never service_healthy.
    for (const [name, service] of Object.entries(services)) {
      for (const condition of Object.values(dependsOn(service)))
        expect(['service_started', 'service_completed_successfully'], `${name}: ${condition}`).toContain(condition)
    }
    // The same order in both: the collector starts first and, as shutdown reverses the
    // dependencies, stops last, so it receives the model's last spans (docker/README.md).
    expect(dependsOn(services.model!)).toMatchObject({ collector: 'service_started' })
    expect(dependsOn(services.agent!)).toMatchObject({ collector: 'service_started' })
    expect(batchContainers(local).find((c) => c.name === 'model')!.dependsOn).toContainEqual({
      containerName: 'collector',
      condition: 'START',
    })
    expect(batchContainers(local).map((c) => [c.name, c.essential])).toEqual([
      ['collector', false],
      ['model', true],
      ['agent', true],
    ])
  })

  test("the per-run variables compose passes through reach the same container through submit's flags", () => {
    const services = compose()
    const [job] = planSubmissions({ queue: 'q', jobDefinition: 'd', strategies: ['astar'], seed: 1, width: 2, height: 3, runs: 1 })
    const sentTo = new Map<string, string>()
    for (const c of job!.input.ecsPropertiesOverride!.taskProperties![0]!.containers!)
      for (const kv of c.environment ?? []) sentTo.set(kv.name!, c.name!)
    const servicesOf = (variable: string): string[] =>
      Object.entries(services).flatMap(([name, service]) => (passThrough(service).includes(variable) ? [name] : []))
    for (const variable of ['AGENT_STRATEGY', 'MAZE_SEED', 'MAZE_WIDTH', 'MAZE_HEIGHT']) {
      expect([variable, servicesOf(variable)]).toEqual([variable, [sentTo.get(variable)]])
    }
    // The others (LOG_LEVEL, OTEL_SDK_DISABLED, AGENT_STARTUP_TIMEOUT_MS, ...) go through
    // `--env <container>:NAME=value`: each names a container the job definition has.
    const names = new Set(batchContainers(local).map((c) => c.name))
    for (const [name, service] of Object.entries(services)) {
      if (passThrough(service).length > 0) expect(names.has(name)).toBe(true)
      for (const v of passThrough(service)) expect(v.startsWith('AWS_BATCH')).toBe(false)
    }
  })
})
