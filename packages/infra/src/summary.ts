// What a synthesized template holds, in a few lines: what `deploy --dry-run` and `destroy --dry-run`
// print instead of acting.

interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>
  Outputs?: Record<string, { Description?: string }>
}

/** Resources counted by type, the named ones by name, then the outputs. */
export function summarizeTemplate(template: Template): string[] {
  const resources = Object.values(template.Resources ?? {})
  const byType = new Map<string, string[]>()
  for (const r of resources) {
    const p = r.Properties ?? {}
    const name = p.JobDefinitionName ?? p.JobQueueName ?? p.RepositoryName ?? p.RoleName ?? p.LogGroupName ?? p.ComputeEnvironmentName
    const names = byType.get(r.Type) ?? []
    if (typeof name === 'string') names.push(name)
    byType.set(r.Type, names)
  }
  const lines = [`${resources.length} resources:`]
  for (const [type, names] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
    const count = resources.filter((r) => r.Type === type).length
    lines.push(`  ${type} x${count}${names.length > 0 ? `: ${names.join(', ')}` : ''}`)
  }
  const outputs = Object.entries(template.Outputs ?? {})
  lines.push(`outputs: ${outputs.map(([name]) => name).join(', ')}`)
  return lines
}
