import { describe, expect, test } from 'vitest'
import { batchAttributes, otlpEndpoint, sdkDisabled } from '../src/resource.ts'

describe('batchAttributes', () => {
  test('the Batch job id, array index and attempt, when the job environment has them', () => {
    expect(batchAttributes({ AWS_BATCH_JOB_ID: 'a1b2:3', AWS_BATCH_JOB_ARRAY_INDEX: '3', AWS_BATCH_JOB_ATTEMPT: '2' })).toEqual({
      'aws.batch.job.id': 'a1b2:3',
      'aws.batch.job.array_index': 3,
      'aws.batch.job.attempt': 2,
    })
  })
  test('nothing outside Batch; empty variables count as unset', () => {
    expect(batchAttributes({})).toEqual({})
    expect(batchAttributes({ AWS_BATCH_JOB_ID: '', AWS_BATCH_JOB_ARRAY_INDEX: ' ' })).toEqual({})
  })
  test('a job without an array index has only its id', () => {
    expect(batchAttributes({ AWS_BATCH_JOB_ID: 'job-1' })).toEqual({ 'aws.batch.job.id': 'job-1' })
  })
  test('a non-integer index is kept as given rather than dropped', () => {
    expect(batchAttributes({ AWS_BATCH_JOB_ARRAY_INDEX: 'x7' })).toEqual({ 'aws.batch.job.array_index': 'x7' })
  })
})

describe('sdkDisabled', () => {
  test.each([
    ['true', true],
    ['TRUE', true],
    [' true ', true],
    ['false', false],
    ['1', false],
    ['', false],
    [undefined, false],
  ])('OTEL_SDK_DISABLED=%j → %s', (value, expected) => {
    expect(sdkDisabled({ OTEL_SDK_DISABLED: value })).toBe(expected)
  })
})

describe('otlpEndpoint', () => {
  test('the SDK default: http/protobuf on localhost:4318, grpc on 4317', () => {
    expect(otlpEndpoint({})).toBe('http://localhost:4318')
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe('http://localhost:4318')
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe('http://localhost:4317')
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toBe(
      'http://localhost:4317',
    )
  })
  test('the configured endpoint, the traces one first', () => {
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('http://collector:4318')
    expect(
      otlpEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/v1/traces' }),
    ).toBe('http://b:4318/v1/traces')
  })
})
