import { describe, expect, test } from 'vitest'
import { miniProgramStateOf } from '../src/apis/subscribe.js'
import { isWechatError, isWechatValidationError } from '../src/index.js'
import { calls, client, emulator, rejection } from './helpers.js'

const SEND = '/cgi-bin/message/subscribe/send'

async function setup(env?: 'release' | 'trial' | 'develop') {
  const emu = await emulator()
  const wechat = client(emu, env ? { env } : {})
  const { openid } = await wechat.jsCode2Session(
    await emu.control.mintCode({ kind: 'login', openid: 'o_sub_1' }),
  )
  await emu.control.registerTemplate({ templateId: 'TPL_SHIP', keys: ['thing1', 'time2'] })
  await emu.control.subscribe({ openid, templateId: 'TPL_SHIP' })
  return { emu, wechat, openid }
}

describe('sendMessage', () => {
  test.each([
    ['develop', 'developer'],
    ['trial', 'trial'],
    ['release', 'formal'],
  ] as const)('env %s sends miniprogram_state %s', async (env, state) => {
    const { emu, wechat, openid } = await setup(env)
    await wechat.sendMessage({
      touser: openid,
      template_id: 'TPL_SHIP',
      data: { thing1: { value: 'Parcel' }, time2: { value: '15:01' } },
    })
    const [message] = await emu.control.messages()
    expect(message).toMatchObject({ kind: 'subscribe', miniprogramState: state })
    expect(miniProgramStateOf(env)).toBe(state)
  })

  test('a user without a subscription gets 43101, and the call is not repeated', async () => {
    const { emu, wechat, openid } = await setup()
    const send = () =>
      wechat.sendMessage({
        touser: openid,
        template_id: 'TPL_SHIP',
        data: { thing1: { value: 'a' }, time2: { value: '15:01' } },
      })
    await send()
    const error = await rejection(send())
    expect(isWechatError(error) && error.errcode).toBe(43101)
    expect(await calls(emu, SEND)).toBe(2)
  })

  test('is not retried on a transient failure (a repeat could deliver twice)', async () => {
    const { emu, wechat, openid } = await setup()
    await emu.control.injectFault({ path: SEND, fault: { kind: 'http', status: 502 } })
    const error = await rejection(
      wechat.sendMessage({
        touser: openid,
        template_id: 'TPL_SHIP',
        data: { thing1: { value: 'a' }, time2: { value: '15:01' } },
      }),
    )
    expect(error).toMatchObject({ name: 'WechatHttpError', status: 502 })
    expect(await calls(emu, SEND)).toBe(1)
  })

  test('refuses a message without touser or template_id before any request', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const a = await rejection(wechat.sendMessage({ touser: '', template_id: 'T', data: {} }))
    const b = await rejection(wechat.sendMessage({ touser: 'o', template_id: '', data: {} }))
    const c = await rejection(
      wechat.sendMessage({
        touser: 'o',
        template_id: 'T',
        data: { thing1: { value: 1 as unknown as string } },
      }),
    )
    expect([a, b, c].map((e) => isWechatValidationError(e) && e.field)).toEqual([
      'touser',
      'template_id',
      'data.thing1.value',
    ])
    expect((await emu.control.counters()).calls).toEqual({})
  })
})

describe('sendMessageWithTemplate', () => {
  test('maps values by position onto templateKeys and uses env for miniprogram_state', async () => {
    const { emu, wechat, openid } = await setup('develop')
    await wechat.sendMessageWithTemplate(
      { templateId: 'TPL_SHIP', templateKeys: ['thing1', 'time2'], page: 'pages/order/order' },
      ['Parcel', '15:01'],
      openid,
    )
    const [message] = await emu.control.messages()
    expect(message).toMatchObject({
      touser: openid,
      templateId: 'TPL_SHIP',
      page: 'pages/order/order',
      data: { thing1: { value: 'Parcel' }, time2: { value: '15:01' } },
      miniprogramState: 'developer',
    })
  })

  test('refuses a value count that does not match the keys', async () => {
    const emu = await emulator()
    const error = await rejection(
      client(emu).sendMessageWithTemplate(
        { templateId: 'T', templateKeys: ['thing1', 'time2'] },
        ['only one'],
        'o',
      ),
    )
    expect(isWechatValidationError(error) && error.field).toBe('values')
  })
})

describe('getSubscribeTemplates', () => {
  const LIST = '/wxaapi/newtmpl/gettemplate'

  test("returns the account's templates in WeChat's field names", async () => {
    const emu = await emulator()
    await emu.control.registerTemplate({
      templateId: 'TPL_SHIP',
      keys: ['thing1', 'enum2'],
      enums: { enum2: ['已发货', '已签收'] },
      title: '发货通知',
      example: '商品:手机\n',
      type: 3,
    })
    await emu.control.registerTemplate({ templateId: 'TPL_PLAIN', keys: ['time1'] })
    expect(await client(emu).getSubscribeTemplates()).toEqual([
      {
        priTmplId: 'TPL_SHIP',
        title: '发货通知',
        content: '{{thing1.DATA}}\n{{enum2.DATA}}\n',
        example: '商品:手机\n',
        type: 3,
        keywordEnumValueList: [{ keywordCode: 'enum2.DATA', enumValueList: ['已发货', '已签收'] }],
      },
      { priTmplId: 'TPL_PLAIN', title: 'TPL_PLAIN', content: '{{time1.DATA}}\n', example: '', type: 2 },
    ])
    expect(await calls(emu, LIST)).toBe(1)
  })

  test('returns an empty array when the account has no template', async () => {
    const emu = await emulator()
    expect(await client(emu).getSubscribeTemplates()).toEqual([])
  })

  test('a revoked token is refreshed once and the list read again', async () => {
    const emu = await emulator()
    await emu.control.registerTemplate({ templateId: 'TPL_SHIP', keys: ['thing1'] })
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.revokeTokens()
    const templates = await wechat.getSubscribeTemplates()
    expect(templates.map((t) => t.priTmplId)).toEqual(['TPL_SHIP'])
    expect(await calls(emu, LIST)).toBe(2)
  })

  test('is retried after a transient failure (it only reads)', async () => {
    const emu = await emulator()
    await emu.control.injectFault({ path: LIST, fault: { kind: 'http', status: 502 } })
    expect(await client(emu).getSubscribeTemplates()).toEqual([])
    expect(await calls(emu, LIST)).toBe(2)
  })
})
