import { describe, expect, it } from 'vitest'
import { DEFAULT_APP, type RunningEmulator } from '../src/index.js'
import { classicToken, emulator, getJson, postJson, RID } from './support/emulator-fixture.js'

const OPENID = 'oUser000000000000000000000001'
const KEYS = [
  'thing1',
  'number2',
  'letter3',
  'symbol4',
  'character_string5',
  'time6',
  'date7',
  'amount8',
  'phone_number9',
  'car_number10',
  'name11',
  'phrase12',
  'enum13',
]
const GOOD: Record<string, string> = {
  thing1: '订单已发货：快递在路上',
  number2: '12.5',
  letter3: 'ABCdef',
  symbol4: '★!?',
  character_string5: 'SN-2024/001',
  time6: '2019年10月1日 15:01',
  date7: '2019-10-01',
  amount8: '¥99.00',
  phone_number9: '+86-0766-66888866',
  car_number10: '粤A8Z888挂',
  name11: '张三',
  phrase12: '配送中',
  enum13: '已发货',
}

async function setup(): Promise<{ e: RunningEmulator; url: string }> {
  const e = await emulator()
  await e.control.registerTemplate({
    templateId: 'tpl-all',
    keys: KEYS,
    enums: { enum13: ['已发货', '已签收'] },
  })
  await e.control.subscribe({ openid: OPENID, templateId: 'tpl-all' })
  const token = await classicToken(e)
  return { e, url: `${e.apiBaseUrl}/cgi-bin/message/subscribe/send?access_token=${token}` }
}

function send(url: string, data: Record<string, string>, extra: Record<string, unknown> = {}) {
  const wrapped = Object.fromEntries(Object.entries(data).map(([k, value]) => [k, { value }]))
  return postJson(url, { touser: OPENID, template_id: 'tpl-all', data: wrapped, ...extra })
}

describe('POST /cgi-bin/message/subscribe/send', () => {
  it('delivers a message whose every value fits its key type, and lists it in messages()', async () => {
    const { e, url } = await setup()
    const body = await send(url, GOOD, {
      page: 'pages/order/order?id=1',
      miniprogram_state: 'trial',
      lang: 'en_US',
    })
    expect(body).toMatchObject({ errcode: 0, errmsg: 'ok' })
    const [message] = await e.control.messages()
    expect(message).toMatchObject({
      appId: DEFAULT_APP.appId,
      touser: OPENID,
      templateId: 'tpl-all',
      page: 'pages/order/order?id=1',
      miniprogramState: 'trial',
      lang: 'en_US',
      data: { thing1: { value: GOOD.thing1 } },
    })
  })

  it('uses one subscription per send, then answers 43101', async () => {
    const { e, url } = await setup()
    expect((await send(url, GOOD)).errcode).toBe(0)
    const refused = await send(url, GOOD)
    expect(refused.errcode).toBe(43101)
    expect(refused.errmsg).toMatch(RID)
    await e.control.subscribe({ openid: OPENID, templateId: 'tpl-all', times: 2 })
    expect((await send(url, GOOD)).errcode).toBe(0)
    expect((await send(url, GOOD)).errcode).toBe(0)
    expect((await send(url, GOOD)).errcode).toBe(43101)
    expect(await e.control.messages()).toHaveLength(3)
  })

  it.each([
    ['thing1', '一二三四五六七八九十一二三四五六七八九十一'],
    ['thing1', '   '],
    ['number2', '12a'],
    ['number2', '1'.repeat(33)],
    ['number2', `${'1'.repeat(30)}.555`],
    ['letter3', 'abc1'],
    ['symbol4', '!!!!!!'],
    ['symbol4', 'ab'],
    ['character_string5', '中文'],
    ['character_string5', 'a'.repeat(33)],
    ['character_string5', 'SN 001'],
    ['time6', '2019年10月1日'],
    ['time6', '25:00'],
    ['date7', '15:01'],
    ['date7', '2019-13-01'],
    ['amount8', '¥12345678901'],
    ['amount8', '九十九元'],
    ['amount8', '99.00元'],
    ['amount8', '¥¥99'],
    ['phone_number9', '1'.repeat(18)],
    ['phone_number9', 'call 123'],
    ['car_number10', '粤A8Z8888挂'],
    ['car_number10', 'A中8Z888'],
    ['name11', '张三李四王五赵六钱七孙'],
    ['name11', 'a'.repeat(21)],
    ['phrase12', '配送中了吗啊'],
    ['phrase12', 'abc'],
    ['enum13', '已取消'],
  ])('answers 47003 naming %s for %j', async (key, value) => {
    const { url } = await setup()
    const body = await send(url, { ...GOOD, [key]: value })
    expect(body.errcode).toBe(47003)
    expect(body.errmsg).toMatch(new RegExp(`^argument invalid! data\\.${key}\\.value invalid, rid: `))
  })

  it.each([
    ['thing1', '𠀀'.repeat(20)],
    ['thing1', '  padded thing  '],
    ['time6', '15:01'],
    ['time6', '15:01~16:30'],
    ['time6', '2019-10-01 15:01:59'],
    ['date7', '2019年10月1日 15:01'],
    ['date7', '2019年10月1日~2019年10月7日'],
    ['amount8', '¥99.00元'],
    ['amount8', '$1234567890'],
    ['number2', `${'1'.repeat(30)}.55`],
    ['character_string5', '¥100-（A）'],
    ['name11', 'John Smith'],
    ['name11', '欧阳-娜娜'],
    ['car_number10', 'A12345'],
  ])('accepts %s = %j (lengths count code points, number and amount count digits)', async (key, value) => {
    const { url } = await setup()
    expect((await send(url, { ...GOOD, [key]: value })).errcode).toBe(0)
  })

  it('answers 47003 when a template key is missing from data', async () => {
    const { url } = await setup()
    const { thing1: _dropped, ...rest } = GOOD
    const body = await send(url, rest)
    expect(body.errcode).toBe(47003)
    expect(body.errmsg).toContain('data.thing1.value invalid')
  })

  it.each([
    ['miniprogram_state', { miniprogram_state: 'production' }, 47003],
    ['lang', { lang: 'fr_FR' }, 47003],
    ['template_id', { template_id: 'unknown-template' }, 40037],
    ['template_id', { template_id: '' }, 40037],
    ['touser', { touser: '' }, 40003],
    ['touser', { touser: 'oSomeoneTheAppNeverSaw0000000' }, 40003],
  ])('checks %s: %j answers %i', async (_name, extra, errcode) => {
    const { url } = await setup()
    expect((await send(url, GOOD, extra)).errcode).toBe(errcode)
  })

  it('answers 40037 for a template registered for another app', async () => {
    const e = await emulator({
      apps: [DEFAULT_APP, { appId: 'wx00000000000000b2', appSecret: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' }],
    })
    await e.control.registerTemplate({ templateId: 'tpl-b', keys: ['thing1'], appId: 'wx00000000000000b2' })
    await e.control.subscribe({ openid: OPENID, templateId: 'tpl-b' })
    const token = await classicToken(e)
    const body = await postJson(`${e.apiBaseUrl}/cgi-bin/message/subscribe/send?access_token=${token}`, {
      touser: OPENID,
      template_id: 'tpl-b',
      data: { thing1: { value: 'x' } },
    })
    expect(body.errcode).toBe(40037)
  })

  it('refuses to register a template key without a known type', async () => {
    const e = await emulator()
    await expect(e.control.registerTemplate({ templateId: 't', keys: ['foo1'] })).rejects.toThrow(/foo1/)
  })

  it('checks the token', async () => {
    const { e } = await setup()
    const body = await postJson(`${e.apiBaseUrl}/cgi-bin/message/subscribe/send`, { touser: OPENID })
    expect(body.errcode).toBe(41001)
  })
})

describe('GET /wxaapi/newtmpl/gettemplate', () => {
  const B = { appId: 'wx00000000000000b2', appSecret: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' }

  it("lists the templates the token's app may use, in WeChat's field names", async () => {
    const e = await emulator({ apps: [DEFAULT_APP, B] })
    await e.control.registerTemplate({
      templateId: 'tpl-ship',
      keys: ['thing1', 'enum2'],
      enums: { enum2: ['已发货', '已签收'] },
      title: '发货通知',
      example: '商品:手机\n状态:已发货\n',
      type: 3,
    })
    await e.control.registerTemplate({ templateId: 'tpl-plain', keys: ['time1'] })
    await e.control.registerTemplate({ templateId: 'tpl-b-only', keys: ['thing1'], appId: B.appId })
    const body = await getJson(
      `${e.apiBaseUrl}/wxaapi/newtmpl/gettemplate?access_token=${await classicToken(e)}`,
    )
    expect(body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      data: [
        {
          priTmplId: 'tpl-ship',
          title: '发货通知',
          content: '{{thing1.DATA}}\n{{enum2.DATA}}\n',
          example: '商品:手机\n状态:已发货\n',
          type: 3,
          keywordEnumValueList: [{ keywordCode: 'enum2.DATA', enumValueList: ['已发货', '已签收'] }],
        },
        { priTmplId: 'tpl-plain', title: 'tpl-plain', content: '{{time1.DATA}}\n', example: '', type: 2 },
      ],
    })
    const other = await getJson(
      `${e.apiBaseUrl}/wxaapi/newtmpl/gettemplate?access_token=${await classicToken(e, B)}`,
    )
    expect((other.data as { priTmplId: string }[]).map((t) => t.priTmplId)).toEqual([
      'tpl-ship',
      'tpl-plain',
      'tpl-b-only',
    ])
  })

  it('answers an empty list when no template is registered', async () => {
    const e = await emulator()
    const body = await getJson(
      `${e.apiBaseUrl}/wxaapi/newtmpl/gettemplate?access_token=${await classicToken(e)}`,
    )
    expect(body).toEqual({ errcode: 0, errmsg: 'ok', data: [] })
  })

  it('checks the token', async () => {
    const e = await emulator()
    expect((await getJson(`${e.apiBaseUrl}/wxaapi/newtmpl/gettemplate`)).errcode).toBe(41001)
    expect(
      (await getJson(`${e.apiBaseUrl}/wxaapi/newtmpl/gettemplate?access_token=not-a-token`)).errcode,
    ).toBe(40014)
  })

  it('refuses a title that is not a string or a type other than 2 or 3', async () => {
    const e = await emulator()
    await expect(
      e.control.registerTemplate({ templateId: 't', keys: ['thing1'], type: 1 as never }),
    ).rejects.toThrow(/type/)
    await expect(
      e.control.registerTemplate({ templateId: 't', keys: ['thing1'], title: 5 as never }),
    ).rejects.toThrow(/title/)
  })
})
