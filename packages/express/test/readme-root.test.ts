import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_APP } from './support/emulator.js'
import {
  importListening,
  ROOT_README,
  readmeCaller,
  readmeCode,
  readmeSandbox,
} from './support/readme-code.js'

const sandbox = readmeSandbox('.generated-root')

// The repository README's "At a glance" app, run as written (with `PORT=0`). It has no baseURL, so it is
// WeChat's production setup: the test reaches only what needs no WeChat call, and the emulator-backed
// flows are the package README's complete app (readme-app.test.ts).
describe.each([
  { name: 'Express 5', module: 'express' },
  { name: 'Express 4', module: 'express4' },
])('the repository README’s app at a glance on $name', ({ name, module }) => {
  let url: string
  let server: Server

  beforeAll(async () => {
    Object.assign(process.env, {
      WECHAT_APP_ID: DEFAULT_APP.appId,
      WECHAT_APP_SECRET: DEFAULT_APP.appSecret,
      SESSION_SECRET: randomBytes(24).toString('hex'),
      PORT: '0',
    })
    let source = readmeCode('## At a glance', ROOT_README)
    if (module !== 'express') source = source.replace(/from 'express'\n/, `from '${module}'\n`)
    expect(source).toContain(`from '${module}'\n`)
    const file = new URL(`readme-root-${name.replace(/\W/g, '')}.ts`, sandbox.folder)
    ;({ server, url } = await importListening(source, file))
  })
  afterAll(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  const call = readmeCaller(() => url)

  it('greets a visitor who is not signed in, and mounts the wechat routes', async () => {
    const hello = await call('/hello')
    expect([hello.status, await hello.text()]).toEqual([200, 'Hello'])
    const login = await call('/wechat/mini/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(login.status).toBe(400) // the route is there, and refuses a login without a code before any call
  })
})
