import { readFile } from 'node:fs/promises'
import { expect, it } from 'vitest'

it('the README shows exactly the message-server example that readme-push-example.test.ts runs', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
  const example = await readFile(new URL('./readme-push-example.test.ts', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('## Receiving messages and events'))
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  expect(block).toBe(example.replace("from '../src/index.js'", "from '@wxkit/core'"))
})
