// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the collector's configs hold ${env:NAME} references, checked here as text
// The collector configurations, checked the way the collector would reject them (a pipeline naming
// an undefined component) and against what the services send (OTLP ports, metric names).
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { otlpEndpoint } from '../src/resource.ts'

// The configurations are this package's files (collector/, exported as @maze-sim/telemetry/collector/*.yaml).
const COLLECTOR_DIR = new URL('../collector/', import.meta.url)

type Section = Record<string, unknown>
interface CollectorConfig {
  extensions?: Section
  receivers?: Section
  processors?: Section
  exporters?: Section
  connectors?: Section
  service: {
    extensions?: string[]
    pipelines: Record<string, { receivers?: string[]; processors?: string[]; exporters?: string[] }>
  }
}

const load = (name: string): { text: string; config: CollectorConfig } => {
  const text = readFileSync(new URL(name, COLLECTOR_DIR), 'utf8')
  return { text, config: parse(text) as CollectorConfig }
}
const portOf = (endpoint: string): number => Number(new URL(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`).port)

/** Every metric the services emit (packages/agent/src/telemetry.ts, packages/model/src/telemetry.ts, and the HTTP instrumentations). */
const SERVICE_METRICS = [
  'agent.run.steps',
  'agent.run.requests',
  'agent.run.duration',
  'maze.generation.duration',
  'http.client.request.duration',
  'http.server.request.duration',
]

describe.each(['aws.yaml', 'local.yaml'])('%s', (file) => {
  const { text, config } = load(file)

  test('every component a pipeline names is defined, and every defined one is used', () => {
    const kinds = ['receivers', 'processors', 'exporters'] as const
    const used = new Set<string>()
    expect(Object.keys(config.service.pipelines).length).toBeGreaterThan(0)
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
      expect(pipeline.receivers?.length, `${name}: receivers`).toBeGreaterThan(0)
      expect(pipeline.exporters?.length, `${name}: exporters`).toBeGreaterThan(0)
      for (const kind of kinds) {
        for (const id of pipeline[kind] ?? []) {
          // A connector may stand as an exporter of one pipeline and a receiver of another.
          const defined = Object.hasOwn(config[kind] ?? {}, id) || Object.hasOwn(config.connectors ?? {}, id)
          expect(defined, `pipeline ${name} names ${kind.slice(0, -1)} ${id}, which is not defined`).toBe(true)
          used.add(`${kind}:${id}`)
        }
      }
    }
    for (const kind of kinds)
      for (const id of Object.keys(config[kind] ?? {})) expect(used.has(`${kind}:${id}`), `${kind} ${id} is defined but unused`).toBe(true)
    for (const id of config.service.extensions ?? [])
      expect(Object.hasOwn(config.extensions ?? {}, id), `extension ${id} is not defined`).toBe(true)
  })

  test('traces and metrics come in over OTLP, on the ports the services send to by default', () => {
    const otlp = (config.receivers?.otlp ?? {}) as { protocols?: { grpc?: { endpoint?: string }; http?: { endpoint?: string } } }
    const grpc = otlp.protocols?.grpc?.endpoint ?? ''
    const http = otlp.protocols?.http?.endpoint ?? ''
    // All interfaces: the services reach the sidecar from their own containers.
    expect(grpc).toBe('0.0.0.0:4317')
    expect(http).toBe('0.0.0.0:4318')
    // The SDK's defaults: http/protobuf (ours) to 4318, grpc to 4317.
    expect(portOf(otlpEndpoint({}))).toBe(portOf(http))
    expect(portOf(otlpEndpoint({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }))).toBe(portOf(grpc))
    for (const signal of ['traces', 'metrics']) expect(config.service.pipelines[signal]?.receivers).toContain('otlp')
  })

  test('health_check answers on 13133 for the container health check', () => {
    expect(config.service.extensions).toContain('health_check')
    expect((config.extensions?.health_check as { endpoint?: string } | undefined)?.endpoint).toBe('0.0.0.0:13133')
  })

  test('pipelines start with memory_limiter and batch before they export', () => {
    for (const pipeline of Object.values(config.service.pipelines)) {
      expect(pipeline.processors?.[0]).toBe('memory_limiter')
      expect(pipeline.processors?.at(-1)).toBe('batch')
    }
  })

  test('environment references use the ${env:NAME} syntax', () => {
    for (const ref of text.match(/\$\{[^}]*\}/g) ?? []) expect(ref).toMatch(/^\$\{env:[A-Z_][A-Z0-9_]*\}$/)
  })
})

describe('aws.yaml', () => {
  const { config } = load('aws.yaml')

  test('traces go to X-Ray (awsxray), metrics to CloudWatch EMF (awsemf), in the region of the job', () => {
    expect(config.service.pipelines.traces?.exporters).toEqual(['awsxray'])
    expect(config.service.pipelines.metrics?.exporters).toEqual(['awsemf'])
    expect(config.exporters?.awsxray).toMatchObject({ region: '${env:AWS_REGION}' })
    expect(config.exporters?.awsemf).toMatchObject({ region: '${env:AWS_REGION}', namespace: 'MazeSim' })
  })

  test('awsemf declares every metric the services emit (undeclared metrics would be dropped)', () => {
    const declarations =
      (config.exporters?.awsemf as { metric_declarations: Array<{ dimensions: string[][]; metric_name_selectors: string[] }> } | undefined)
        ?.metric_declarations ?? []
    for (const metric of SERVICE_METRICS) {
      const matching = declarations.filter((d) => d.metric_name_selectors.some((s) => new RegExp(s).test(metric)))
      expect(matching.length, metric).toBeGreaterThan(0)
    }
    for (const d of declarations) for (const set of d.dimensions) expect(set.length).toBeLessThanOrEqual(30) // CloudWatch's limit
  })

  test('X-Ray indexes the run attributes, so traces can be searched by strategy, seed and job', () => {
    expect((config.exporters?.awsxray as { indexed_attributes: string[] } | undefined)?.indexed_attributes).toEqual(
      expect.arrayContaining(['agent.strategy', 'maze.seed', 'aws.batch.job.id', 'aws.batch.job.array_index']),
    )
  })
})

describe('local.yaml', () => {
  const { config } = load('local.yaml')

  test('prints everything it receives in full (debug exporter, detailed)', () => {
    expect(config.exporters?.debug).toEqual({ verbosity: 'detailed' })
    expect(config.service.pipelines.traces?.exporters).toContain('debug')
    expect(config.service.pipelines.metrics?.exporters).toContain('debug')
  })
})
