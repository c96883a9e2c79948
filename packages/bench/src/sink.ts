// The OTLP/HTTP sink of the benchmark's "telemetry on" runs, in a process of its own:
//   node sink.ts <port>
// Answers 200 with an empty body (an empty protobuf Export*ServiceResponse) to every POST, decodes
// nothing; prints "ready" once listening; SIGTERM ends it, and so does the end of its stdin (the
// benchmark holds it open: the sink never outlives it).
import { once } from 'node:events'
import { createServer } from 'node:http'

const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end())
})
server.keepAliveTimeout = 30_000
server.listen(Number(process.argv[2]), '127.0.0.1')
await once(server, 'listening')
process.stdout.write('ready\n')
process.on('SIGTERM', () => process.exit(0))
process.stdin.on('end', () => process.exit(0)).resume()
