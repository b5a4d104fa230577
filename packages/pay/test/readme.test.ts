import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import * as api from '../src/index.js'

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')

describe('README', () => {
  it('shows, as its order → pay → notify example, exactly the code test/readme-example.test.ts runs', async () => {
    const example = await readFile(new URL('./readme-example.test.ts', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## Order → pay → notify'))
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
    expect(block).toBe(example.replace("from '../src/index.js'", "from '@wxkit/pay'"))
  })

  it('documents every method of WechatPay and every error class', () => {
    const methods = Object.getOwnPropertyNames(api.WechatPay.prototype).filter(
      (name) => name !== 'constructor' && name !== 'mchId' && name !== 'appId',
    )
    for (const method of methods) expect(readme).toContain(`\`${method}(`)
    for (const name of Object.keys(api).filter(
      (key) => /^WechatPay\w*Error$/.test(key) && key !== 'WechatPayClientError',
    ))
      expect(readme).toContain(`\`${name}\``)
  })
})
