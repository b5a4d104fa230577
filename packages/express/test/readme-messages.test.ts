import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_APP } from './support/emulator.js'
import { importListening, readmeCode, readmeSandbox } from './support/readme-code.js'

const PUSH = { token: 'readmePush42', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789README1' }
const sandbox = readmeSandbox('.generated-messages')

// The README's push app, run as written against the emulator; only the import is swapped for Express 4.
describe.each([
  { name: 'Express 5', module: 'express' },
  { name: 'Express 4', module: 'express4' },
])('the README’s message push app on $name', ({ name, module }) => {
  let url: string
  let server: Server

  beforeAll(async () => {
    Object.assign(process.env, {
      WECHAT_PUSH_TOKEN: PUSH.token,
      WECHAT_PUSH_AES_KEY: PUSH.encodingAESKey,
      WECHAT_APP_ID: DEFAULT_APP.appId,
      PORT: '0',
    })
    let source = readmeCode('## Message push')
    if (module !== 'express') source = source.replace(/from 'express'\n/, `from '${module}'\n`)
    expect(source).toContain(`from '${module}'\n`)
    const file = new URL(`readme-messages-${name.replace(/\W/g, '')}.ts`, sandbox.folder)
    ;({ server, url } = await importListening(source, file))
  })
  afterAll(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  it('passes the console’s URL check and answers a message and a follow', async () => {
    const endpoint = `${url}/wechat/messages`
    expect(
      await sandbox.emulator().control.verifyServerUrl({ url: endpoint, token: PUSH.token }),
    ).toMatchObject({
      ok: true,
    })
    const text = await sandbox.emulator().control.pushMessage({
      url: endpoint,
      ...PUSH,
      message: { MsgType: 'text', Content: 'hi' },
    })
    expect(text.reply).toMatchObject({ MsgType: 'text', Content: 'You said: hi' })
    const follow = await sandbox.emulator().control.pushMessage({
      url: endpoint,
      ...PUSH,
      message: { MsgType: 'event', Event: 'subscribe' },
    })
    expect(follow.reply).toMatchObject({ Content: 'Thanks for following!' })
  })
})
