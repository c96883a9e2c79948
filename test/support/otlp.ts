// A real OTLP/HTTP receiver for process tests, and the decoding of what it receives: OTLP protobuf
// (the exporters' default, `http/protobuf`) through a small protobuf wire-format reader and the
// field numbers of opentelemetry-proto (trace/v1, metrics/v1, common/v1, resource/v1), and OTLP
// JSON (`http/json`). Both decode to the same plain shape, so a test asserts the same way whatever
// the protocol. Dependency-free on purpose: a fixture container can reuse it as is.
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/** An attribute value as OTLP's AnyValue carries it (int64 values that fit become numbers). */
/** Variables that would change what a test sees if the machine had them set. */
export const CLEAN_OTEL: NodeJS.ProcessEnv = {
  OTEL_SDK_DISABLED: '',
  OTEL_SERVICE_NAME: '',
  OTEL_RESOURCE_ATTRIBUTES: '',
  OTEL_LOG_LEVEL: '',
  OTEL_EXPORTER_OTLP_PROTOCOL: '',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '',
  OTEL_TRACES_EXPORTER: '',
  OTEL_METRICS_EXPORTER: '',
  OTEL_TRACES_SAMPLER: '',
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: '',
  MAZE_TELEMETRY_STEP_SPANS: '',
  AWS_BATCH_JOB_ID: '',
  AWS_BATCH_JOB_ARRAY_INDEX: '',
  AWS_BATCH_JOB_ATTEMPT: '',
}

export type AttributeValue = string | number | bigint | boolean | Uint8Array | null | AttributeValue[] | { [key: string]: AttributeValue }
export type Attributes = Record<string, AttributeValue>

/** OTLP SpanKind. */
export const SpanKind = { Unspecified: 0, Internal: 1, Server: 2, Client: 3, Producer: 4, Consumer: 5 } as const

export interface ReceivedSpan {
  readonly resource: Attributes
  readonly scope: string
  /** Lower-case hex, 32 characters. */
  readonly traceId: string
  /** Lower-case hex, 16 characters. */
  readonly spanId: string
  /** Lower-case hex, or '' for a root span. */
  readonly parentSpanId: string
  readonly name: string
  readonly kind: number
  readonly startTimeUnixNano: bigint
  readonly endTimeUnixNano: bigint
  readonly attributes: Attributes
  readonly events: ReadonlyArray<{ name: string; attributes: Attributes }>
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  readonly status: { code: number; message: string }
}

export interface ReceivedDataPoint {
  readonly attributes: Attributes
  /** Gauges and sums. */
  readonly value?: number
  /** Histograms. */
  readonly count?: number
  readonly sum?: number
}

export interface ReceivedMetric {
  readonly resource: Attributes
  readonly scope: string
  readonly name: string
  readonly unit: string
  readonly type: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary' | 'unknown'
  readonly points: readonly ReceivedDataPoint[]
}

// ---------------------------------------------------------------------------------------------
// Protobuf wire format

interface Field {
  readonly no: number
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  readonly wire: number
  readonly varint: bigint
  readonly bytes: Uint8Array
}

/** Splits one message into its fields (unknown fields included), in order. */
function fields(buf: Uint8Array): Field[] {
  const out: Field[] = []
  let pos = 0
  const varint = (): bigint => {
    let result = 0n
    let shift = 0n
    for (;;) {
      if (pos >= buf.length) throw new Error('protobuf: truncated varint')
      const byte = buf[pos++]!
      result |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return result
      shift += 7n
      if (shift > 63n) throw new Error('protobuf: varint longer than 10 bytes')
    }
  }
  const take = (n: number): Uint8Array => {
    if (pos + n > buf.length) throw new Error('protobuf: truncated field')
    const bytes = buf.subarray(pos, pos + n)
    pos += n
    return bytes
  }
  const none = new Uint8Array(0)
  while (pos < buf.length) {
    const key = Number(varint())
    const no = key >>> 3
    const wire = key & 7
    if (no === 0) throw new Error('protobuf: field number 0')
    switch (wire) {
      case 0:
        out.push({ no, wire, varint: varint(), bytes: none })
        break
      case 1:
        out.push({ no, wire, varint: 0n, bytes: take(8) })
        break
      case 2:
        out.push({ no, wire, varint: 0n, bytes: take(Number(varint())) })
        break
      case 5:
        out.push({ no, wire, varint: 0n, bytes: take(4) })
        break
      default:
        throw new Error(`protobuf: unsupported wire type ${wire} (field ${no})`)
    }
  }
  return out
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength)
const fixed64 = (f: Field): bigint => view(f.bytes).getBigUint64(0, true)
const double = (f: Field): number => view(f.bytes).getFloat64(0, true)
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const str = (f: Field): string => utf8.decode(f.bytes)
/** int64 as two's complement in a varint; a number when it is a safe integer. */
const int64 = (v: bigint): number | bigint => {
  const signed = BigInt.asIntN(64, v)
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed
}

function anyValue(buf: Uint8Array): AttributeValue {
  for (const f of fields(buf)) {
    switch (f.no) {
      case 1:
        return str(f)
      case 2:
        return f.varint !== 0n
      case 3:
        return int64(f.varint)
      case 4:
        return double(f)
      case 5:
        return fields(f.bytes)
          .filter((g) => g.no === 1)
          .map((g) => anyValue(g.bytes))
      case 6:
        return keyValues(fields(f.bytes).filter((g) => g.no === 1))
      case 7:
        return f.bytes
      default:
        break
    }
  }
  return null
}

/** KeyValue messages (key = 1, value = 2) to a record. */
function keyValues(kvs: readonly Field[]): Attributes {
  const out: Attributes = {}
  for (const kv of kvs) {
    let key = ''
    let value: AttributeValue = null
    for (const f of fields(kv.bytes)) {
      if (f.no === 1) key = str(f)
      else if (f.no === 2) value = anyValue(f.bytes)
    }
    out[key] = value
  }
  return out
}

const attributesOf = (msg: readonly Field[], no: number): Attributes => keyValues(msg.filter((f) => f.no === no))
const scopeName = (buf: Uint8Array | undefined): string => {
  if (buf === undefined) return ''
  const name = fields(buf).find((f) => f.no === 1)
  return name === undefined ? '' : str(name)
}

/** Decodes an ExportTraceServiceRequest (protobuf). */
export function decodeTraces(body: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = []
  for (const rs of fields(body).filter((f) => f.no === 1)) {
    const rsFields = fields(rs.bytes)
    const resourceMsg = rsFields.find((f) => f.no === 1)
    const resource = resourceMsg === undefined ? {} : attributesOf(fields(resourceMsg.bytes), 1)
    for (const ss of rsFields.filter((f) => f.no === 2)) {
      const ssFields = fields(ss.bytes)
      const scope = scopeName(ssFields.find((f) => f.no === 1)?.bytes)
      for (const sp of ssFields.filter((f) => f.no === 2)) {
        const s = fields(sp.bytes)
        const one = (no: number): Field | undefined => s.find((f) => f.no === no)
        const statusFields = fields(one(15)?.bytes ?? new Uint8Array(0))
        const statusMessage = statusFields.find((f) => f.no === 2)
        spans.push({
          resource,
          scope,
          traceId: hex(one(1)?.bytes ?? new Uint8Array(0)),
          spanId: hex(one(2)?.bytes ?? new Uint8Array(0)),
          parentSpanId: hex(one(4)?.bytes ?? new Uint8Array(0)),
          name: one(5) === undefined ? '' : str(one(5)!),
          kind: Number(one(6)?.varint ?? 0n),
          startTimeUnixNano: one(7) === undefined ? 0n : fixed64(one(7)!),
          endTimeUnixNano: one(8) === undefined ? 0n : fixed64(one(8)!),
          attributes: attributesOf(s, 9),
          events: s
            .filter((f) => f.no === 11)
            .map((e) => {
              const ef = fields(e.bytes)
              const name = ef.find((f) => f.no === 2)
              return { name: name === undefined ? '' : str(name), attributes: attributesOf(ef, 3) }
            }),
          status: {
            code: Number(statusFields.find((f) => f.no === 3)?.varint ?? 0n),
            message: statusMessage === undefined ? '' : str(statusMessage),
          },
        })
      }
    }
  }
  return spans
}

const METRIC_TYPES: Record<number, ReceivedMetric['type']> = {
  5: 'gauge',
  7: 'sum',
  9: 'histogram',
  10: 'exponentialHistogram',
  11: 'summary',
}

/** Decodes an ExportMetricsServiceRequest (protobuf). */
export function decodeMetrics(body: Uint8Array): ReceivedMetric[] {
  const metrics: ReceivedMetric[] = []
  for (const rm of fields(body).filter((f) => f.no === 1)) {
    const rmFields = fields(rm.bytes)
    const resourceMsg = rmFields.find((f) => f.no === 1)
    const resource = resourceMsg === undefined ? {} : attributesOf(fields(resourceMsg.bytes), 1)
    for (const sm of rmFields.filter((f) => f.no === 2)) {
      const smFields = fields(sm.bytes)
      const scope = scopeName(smFields.find((f) => f.no === 1)?.bytes)
      for (const m of smFields.filter((f) => f.no === 2)) {
        const mf = fields(m.bytes)
        const text = (no: number): string => {
          const f = mf.find((g) => g.no === no)
          return f === undefined ? '' : str(f)
        }
        const data = mf.find((f) => METRIC_TYPES[f.no] !== undefined)
        const type = data === undefined ? 'unknown' : METRIC_TYPES[data.no]!
        const points: ReceivedDataPoint[] = []
        for (const dp of data === undefined ? [] : fields(data.bytes).filter((f) => f.no === 1)) {
          const p = fields(dp.bytes)
          if (type === 'histogram') {
            // HistogramDataPoint: count = 4 (fixed64), sum = 5 (double), attributes = 9.
            const count = p.find((f) => f.no === 4)
            const sum = p.find((f) => f.no === 5)
            points.push({
              attributes: attributesOf(p, 9),
              count: count === undefined ? 0 : Number(fixed64(count)),
              ...(sum === undefined ? {} : { sum: double(sum) }),
            })
          } else if (type === 'gauge' || type === 'sum') {
            // NumberDataPoint: as_double = 4, as_int = 6 (sfixed64), attributes = 7.
            const asDouble = p.find((f) => f.no === 4)
            const asInt = p.find((f) => f.no === 6)
            const value =
              asDouble !== undefined ? double(asDouble) : asInt !== undefined ? Number(BigInt.asIntN(64, fixed64(asInt))) : undefined
            points.push({ attributes: attributesOf(p, 7), ...(value === undefined ? {} : { value }) })
          } else {
            points.push({ attributes: {} })
          }
        }
        metrics.push({ resource, scope, name: text(1), unit: text(3), type, points })
      }
    }
  }
  return metrics
}

// ---------------------------------------------------------------------------------------------
// OTLP JSON (ids in hex, 64-bit integers as strings or numbers)

type Json = Record<string, unknown>
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : [])
const num = (v: unknown): number => (typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : 0)

function jsonValue(v: Json | undefined): AttributeValue {
  if (v === undefined) return null
  if ('stringValue' in v) return String(v.stringValue)
  if ('boolValue' in v) return Boolean(v.boolValue)
  if ('intValue' in v) return int64(BigInt(v.intValue as string | number))
  if ('doubleValue' in v) return num(v.doubleValue)
  if ('arrayValue' in v) return arr((v.arrayValue as Json | undefined)?.values).map(jsonValue)
  if ('kvlistValue' in v) return jsonAttributes((v.kvlistValue as Json | undefined)?.values)
  if ('bytesValue' in v) return Buffer.from(String(v.bytesValue), 'base64')
  return null
}
function jsonAttributes(kvs: unknown): Attributes {
  const out: Attributes = {}
  for (const kv of arr(kvs)) out[String(kv.key)] = jsonValue(kv.value as Json | undefined)
  return out
}
const jsonId = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '')

/** Decodes an ExportTraceServiceRequest in OTLP JSON. */
export function tracesFromJson(body: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = []
  for (const rs of arr((body as Json).resourceSpans)) {
    const resource = jsonAttributes((rs.resource as Json | undefined)?.attributes)
    for (const ss of arr(rs.scopeSpans)) {
      const scope = String((ss.scope as Json | undefined)?.name ?? '')
      for (const s of arr(ss.spans)) {
        const status = (s.status as Json | undefined) ?? {}
        spans.push({
          resource,
          scope,
          traceId: jsonId(s.traceId),
          spanId: jsonId(s.spanId),
          parentSpanId: jsonId(s.parentSpanId),
          name: String(s.name ?? ''),
          kind: num(s.kind),
          startTimeUnixNano: BigInt((s.startTimeUnixNano as string | number | undefined) ?? 0),
          endTimeUnixNano: BigInt((s.endTimeUnixNano as string | number | undefined) ?? 0),
          attributes: jsonAttributes(s.attributes),
          events: arr(s.events).map((e) => ({ name: String(e.name ?? ''), attributes: jsonAttributes(e.attributes) })),
          status: { code: num(status.code), message: String(status.message ?? '') },
        })
      }
    }
  }
  return spans
}

/** Decodes an ExportMetricsServiceRequest in OTLP JSON. */
export function metricsFromJson(body: unknown): ReceivedMetric[] {
  const metrics: ReceivedMetric[] = []
  for (const rm of arr((body as Json).resourceMetrics)) {
    const resource = jsonAttributes((rm.resource as Json | undefined)?.attributes)
    for (const sm of arr(rm.scopeMetrics)) {
      const scope = String((sm.scope as Json | undefined)?.name ?? '')
      for (const m of arr(sm.metrics)) {
        const type = (['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const).find((t) => t in m) ?? 'unknown'
        const data = type === 'unknown' ? undefined : (m[type] as Json)
        const points: ReceivedDataPoint[] = arr(data?.dataPoints).map((p) => {
          if (type === 'histogram')
            return { attributes: jsonAttributes(p.attributes), count: num(p.count), ...(p.sum === undefined ? {} : { sum: num(p.sum) }) }
          const value = p.asDouble !== undefined ? num(p.asDouble) : p.asInt !== undefined ? num(p.asInt) : undefined
          return { attributes: jsonAttributes(p.attributes), ...(value === undefined ? {} : { value }) }
        })
        metrics.push({ resource, scope, name: String(m.name ?? ''), unit: String(m.unit ?? ''), type, points })
      }
    }
  }
  return metrics
}

// ---------------------------------------------------------------------------------------------
// The receiver

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT, e.g. `http://127.0.0.1:40123`. */
  readonly url: string
  readonly spans: ReceivedSpan[]
  readonly metrics: ReceivedMetric[]
  /** One entry per export request: path and content type (to tell which protocol was used). */
  readonly requests: Array<{ path: string; contentType: string; bytes: number }>
  /** Bodies that failed to decode (a test should expect none). */
  readonly errors: string[]
  /** Resolves once `predicate` holds, polling; rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/** Starts an OTLP/HTTP receiver on 127.0.0.1, port 0: POST /v1/traces and /v1/metrics (logs are accepted and dropped). */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  const metrics: ReceivedMetric[] = []
  const requests: OtlpReceiver['requests'] = []
  const errors: string[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = req.url ?? ''
      const contentType = req.headers['content-type'] ?? ''
      const json = contentType.startsWith('application/json')
      let body = Buffer.concat(chunks)
      try {
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
        requests.push({ path, contentType, bytes: body.length })
        if (req.method !== 'POST') throw new Error(`${req.method} ${path}: only POST is OTLP`)
        if (path === '/v1/traces') spans.push(...(json ? tracesFromJson(JSON.parse(body.toString('utf8'))) : decodeTraces(body)))
        else if (path === '/v1/metrics') metrics.push(...(json ? metricsFromJson(JSON.parse(body.toString('utf8'))) : decodeMetrics(body)))
        else if (path !== '/v1/logs') throw new Error(`unknown OTLP path ${path}`)
      } catch (err) {
        errors.push(`${path}: ${(err as Error).message}`)
        res.writeHead(400, { 'content-type': 'text/plain' }).end((err as Error).message)
        return
      }
      // An empty Export*ServiceResponse.
      if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const close = async (): Promise<void> => {
    if (!server.listening) return
    server.closeAllConnections()
    server.close()
    await once(server, 'close')
  }
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    metrics,
    requests,
    errors,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`the OTLP receiver did not get what was expected within ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
