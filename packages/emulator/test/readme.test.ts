import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { CONTROL_METHODS } from '../src/control/emulator-control.js'
import { WECHAT_ERRORS } from '../src/errors.js'

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')

describe('README', () => {
  it('shows, as its usage example, exactly the code test/readme-example.test.ts runs', async () => {
    const example = await readFile(new URL('./readme-example.test.ts', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## Use it in your tests'))
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
    expect(block).toBe(example.replace("from '../src/index.js'", "from '@wxkit/emulator'"))
  })

  it('documents every control method and every errcode the emulator answers', () => {
    for (const method of CONTROL_METHODS) expect(readme).toContain(`| \`${method}(`)
    const table = readme.slice(readme.indexOf('## Every error code the emulator returns'))
    for (const errcode of Object.keys(WECHAT_ERRORS))
      expect(table).toMatch(new RegExp(`^\\| ${errcode} `, 'm'))
  })
})
