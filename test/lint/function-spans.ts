// How many physical lines each function of the repository spans, from the line its head starts on to
// the line of its closing brace, comments and blank lines included: what a reader scrolls through.
// TypeScript and JavaScript are parsed with the parser Vite ships (Rolldown's), Python with its own ast.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseAst } from 'vite'

export interface FunctionSpan {
  /** Repository-relative path. */
  file: string
  /** 1-based first and last line. */
  start: number
  end: number
  lines: number
  name: string
}

type Node = { type: string; start: number; end: number; [key: string]: unknown }

const functionTypes = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'])

/** The 1-based line of each offset, by a search over the offsets where lines start. */
function lineOf(lineStarts: number[], offset: number): number {
  let low = 0
  let high = lineStarts.length - 1
  while (low < high) {
    const middle = (low + high + 1) >> 1
    if (lineStarts[middle]! <= offset) low = middle
    else high = middle - 1
  }
  return low + 1
}

function nameOf(node: Node, parent: Node | undefined): string {
  const id = node.id as { name?: string } | null | undefined
  if (id?.name) return id.name
  const key = (parent?.key ?? (parent?.id as unknown)) as { name?: string; value?: unknown } | undefined
  if (key?.name) return key.name
  if (parent?.type === 'CallExpression') {
    const callee = parent.callee as { name?: string; property?: { name?: string } }
    const first = (parent.arguments as Node[])[0] as { value?: unknown } | undefined
    const label = typeof first?.value === 'string' ? ` ${JSON.stringify(first.value)}` : ''
    return `(callback of ${callee.name ?? callee.property?.name ?? 'a call'}${label})`
  }
  return '(anonymous)'
}

/** Every function of one TypeScript or JavaScript source, with the lines it spans. */
export function scriptFunctionSpans(file: string, source: string): FunctionSpan[] {
  const lang = /\.[cm]?tsx?$/.test(file) ? 'ts' : 'js'
  const program = parseAst(source, { lang }, file) as unknown as Node
  const lineStarts = [0]
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1)
  const spans: FunctionSpan[] = []
  const visit = (node: Node, parent: Node | undefined): void => {
    if (functionTypes.has(node.type)) {
      const start = lineOf(lineStarts, node.start)
      const end = lineOf(lineStarts, node.end - 1)
      spans.push({ file, start, end, lines: end - start + 1, name: nameOf(node, parent) })
    }
    for (const value of Object.values(node)) {
      const children = Array.isArray(value) ? value : [value]
      for (const child of children) {
        if (child && typeof child === 'object' && typeof (child as Node).type === 'string') visit(child as Node, node)
      }
    }
  }
  visit(program, undefined)
  return spans
}

const pythonSpans = `
import ast, json, sys
spans = []
for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            spans.append({'file': path, 'start': start, 'end': node.end_lineno,
                          'lines': node.end_lineno - start + 1, 'name': node.name})
print(json.dumps(spans))
`

/** Every function of some Python sources (paths relative to `root`), decorators included. */
export function pythonFunctionSpans(root: string, files: string[]): FunctionSpan[] {
  if (files.length === 0) return []
  const out = execFileSync('python3', ['-c', pythonSpans, ...files], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
  return JSON.parse(out) as FunctionSpan[]
}

/** The repository's own source files (tracked or new, not ignored), relative to `root`. */
export function sourceFiles(root: string): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  return [...new Set(listed.split('\0'))].filter((file) => file !== '').sort()
}

/** Every function of the repository's TypeScript, JavaScript and Python sources. */
export function repositoryFunctionSpans(root: string): FunctionSpan[] {
  const files = sourceFiles(root)
  const scripts = files.filter((file) => /\.[cm]?[jt]sx?$/.test(file) && !file.endsWith('.d.ts'))
  const python = files.filter((file) => file.endsWith('.py'))
  return [
    ...scripts.flatMap((file) => scriptFunctionSpans(file, readFileSync(join(root, file), 'utf8'))),
    ...pythonFunctionSpans(root, python),
  ]
}
