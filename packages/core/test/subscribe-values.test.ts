import type { RunningEmulator } from '@wxkit/emulator'
import { describe, expect, test } from 'vitest'
import {
  checkSubscribeValue,
  type SubscribeKeyType,
  subscribeKeyType,
} from '../src/apis/subscribe-value-rules.js'
import { isWechatError, isWechatValidationError, truncateString, type Wechat } from '../src/index.js'
import { calls, client, emulator, rejection } from './helpers.js'

const SEND = '/cgi-bin/message/subscribe/send'
const OPENID = 'o_values'

type Verdict = 'accept' | 'refuse'

/**
 * One table for the client's rules and the emulator's (§7), boundaries included. Lengths count code points:
 * `🎉` and `𠀀` are two UTF-16 units but one character each.
 */
const CASES: Record<Exclude<SubscribeKeyType, 'enum'>, [string, Verdict][]> = {
  thing: [
    ['a'.repeat(20), 'accept'],
    ['a'.repeat(21), 'refuse'],
    ['快'.repeat(20), 'accept'],
    ['快'.repeat(21), 'refuse'],
    ['🎉'.repeat(20), 'accept'],
    ['🎉'.repeat(21), 'refuse'],
    [`${'a'.repeat(19)}𠀀`, 'accept'],
    [`  ${'a'.repeat(20)}  `, 'accept'],
    ['', 'refuse'],
    [' \t ', 'refuse'],
  ],
  number: [
    ['1'.repeat(32), 'accept'],
    ['1'.repeat(33), 'refuse'],
    [`${'1'.repeat(30)}.55`, 'accept'],
    [`${'1'.repeat(31)}.55`, 'refuse'],
    ['12.5', 'accept'],
    ['0', 'accept'],
    ['12a', 'refuse'],
    ['-1', 'refuse'],
    ['1.', 'refuse'],
    ['.5', 'refuse'],
    ['1,000', 'refuse'],
    ['１２', 'refuse'],
  ],
  letter: [
    ['a'.repeat(32), 'accept'],
    ['a'.repeat(33), 'refuse'],
    ['ABCdef', 'accept'],
    ['abc1', 'refuse'],
    ['ab cd', 'refuse'],
    ['é', 'refuse'],
  ],
  symbol: [
    ['!!!!!', 'accept'],
    ['!!!!!!', 'refuse'],
    ['★¥', 'accept'],
    ['🎉🎉🎉🎉🎉', 'accept'],
    ['🎉🎉🎉🎉🎉🎉', 'refuse'],
    ['ab', 'refuse'],
    ['! !', 'refuse'],
    ['中', 'refuse'],
    ['1', 'refuse'],
  ],
  character_string: [
    ['a'.repeat(32), 'accept'],
    ['a'.repeat(33), 'refuse'],
    ['SN-2024/001', 'accept'],
    ['¥100-（A）', 'accept'],
    ['中文', 'refuse'],
    ['SN 001', 'refuse'],
  ],
  time: [
    ['15:01', 'accept'],
    ['0:00', 'accept'],
    ['23:59:59', 'accept'],
    ['2019年10月1日 15:01', 'accept'],
    ['2019-10-01 15:01', 'accept'],
    ['15:01~16:30', 'accept'],
    ['15:01 ~ 16:30', 'accept'],
    ['24:00', 'refuse'],
    ['15:60', 'refuse'],
    ['15:01:60', 'refuse'],
    ['2019年10月1日', 'refuse'],
    ['3pm', 'refuse'],
    ['15:01~', 'refuse'],
    ['15:01~16:30~17:00', 'refuse'],
  ],
  date: [
    ['2019年10月1日', 'accept'],
    ['2019-10-01', 'accept'],
    ['2019/10/1', 'accept'],
    ['2019.10.01', 'accept'],
    ['2019年10月1日 15:01', 'accept'],
    ['2019年10月1日~2019年10月7日', 'accept'],
    ['2019-13-01', 'refuse'],
    ['2019-10-32', 'refuse'],
    ['2019-00-10', 'refuse'],
    ['15:01', 'refuse'],
    ['10/01/2019', 'refuse'],
    ['2019-10-01 25:00', 'refuse'],
  ],
  amount: [
    ['¥99.00', 'accept'],
    ['¥99.00元', 'accept'],
    ['￥100', 'accept'],
    ['$1234567890', 'accept'],
    ['¥1234567.890', 'accept'],
    ['¥12345678901', 'refuse'],
    ['¥12345678.901', 'refuse'],
    ['99.00元', 'refuse'],
    ['99', 'refuse'],
    ['¥¥99', 'refuse'],
    ['¥-5', 'refuse'],
    ['九十九元', 'refuse'],
  ],
  phone_number: [
    ['+86-0766-66888866', 'accept'],
    ['1'.repeat(17), 'accept'],
    ['1'.repeat(18), 'refuse'],
    ['(010)12345678', 'accept'],
    ['call 123', 'refuse'],
    ['138 0013 8000', 'refuse'],
  ],
  car_number: [
    ['粤A8Z888挂', 'accept'],
    ['粤A8Z8888挂', 'refuse'],
    ['A12345', 'accept'],
    ['粤A12345', 'accept'],
    ['A中8Z888', 'refuse'],
    ['粤A-8Z888', 'refuse'],
  ],
  name: [
    ['张三', 'accept'],
    ['欧阳·娜娜', 'accept'],
    ['张'.repeat(10), 'accept'],
    ['张'.repeat(11), 'refuse'],
    [`张三${'a'.repeat(8)}`, 'accept'],
    [`张三${'a'.repeat(9)}`, 'refuse'],
    ['a'.repeat(20), 'accept'],
    ['a'.repeat(21), 'refuse'],
    ['John Smith', 'accept'],
    ["O'Brien-Smith", 'accept'],
    ['Agent 007', 'refuse'],
    ['张三3', 'refuse'],
  ],
  phrase: [
    ['配送中', 'accept'],
    ['一二三四五', 'accept'],
    ['一二三四五六', 'refuse'],
    ['abc', 'refuse'],
    ['配送 中', 'refuse'],
    ['配送中!', 'refuse'],
  ],
}

const TYPES = Object.keys(CASES) as (keyof typeof CASES)[]
const keyOf = (type: SubscribeKeyType) => `${type}3`

/** An emulator with one single-key template per type (`TPL_<type>`), each with plenty of sends granted. */
async function setup(): Promise<{ emu: RunningEmulator; wechat: Wechat }> {
  const emu = await emulator()
  const wechat = client(emu)
  for (const type of [...TYPES, 'enum' as const]) {
    const key = keyOf(type)
    const templateId = `TPL_${type}`
    await emu.control.registerTemplate({
      templateId,
      keys: [key],
      ...(type === 'enum' ? { enums: { [key]: ['已发货'] } } : {}),
    })
    await emu.control.subscribe({ openid: OPENID, templateId, times: 100 })
  }
  return { emu, wechat }
}

const message = (type: SubscribeKeyType, value: string) => ({
  touser: OPENID,
  template_id: `TPL_${type}`,
  data: { [keyOf(type)]: { value } },
})

function clientVerdict(type: SubscribeKeyType, value: string): Verdict {
  try {
    checkSubscribeValue(keyOf(type), value)
    return 'accept'
  } catch (error) {
    if (isWechatValidationError(error) && error.field === `data.${keyOf(type)}.value`) return 'refuse'
    throw error
  }
}

/** What the emulator says, over HTTP, to the value sent unchecked. */
async function emulatorVerdict(wechat: Wechat, type: SubscribeKeyType, value: string): Promise<Verdict> {
  try {
    await wechat.sendMessage(message(type, value), { validate: false })
    return 'accept'
  } catch (error) {
    if (isWechatError(error) && error.errcode === 47003) return 'refuse'
    throw error
  }
}

describe('the client and the emulator agree on every §7 value rule', () => {
  test.each(TYPES)('%s', async (type) => {
    const { wechat } = await setup()
    const cases = CASES[type]
    const seen: [string, Verdict, Verdict][] = []
    for (const [value] of cases) {
      seen.push([value, clientVerdict(type, value), await emulatorVerdict(wechat, type, value)])
    }
    expect(seen).toEqual(cases.map(([value, verdict]) => [value, verdict, verdict]))
  })

  test('a key type is its alphabetic prefix; other prefixes have none', () => {
    expect(
      ['thing12', 'character_string3', 'phone_number1', 'number02', 'thing', 'thing_1', 'Thing1', 'foo1'].map(
        subscribeKeyType,
      ),
    ).toEqual([
      'thing',
      'character_string',
      'phone_number',
      'number',
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })
})

describe('values are checked before sending', () => {
  test.each(TYPES)('%s: a value breaking its rule never reaches WeChat', async (type) => {
    const { emu, wechat } = await setup()
    const bad = CASES[type].filter(([, verdict]) => verdict === 'refuse').map(([value]) => value)
    const template = { templateId: `TPL_${type}`, templateKeys: [keyOf(type)] }
    for (const value of bad) {
      const direct = await rejection(wechat.sendMessage(message(type, value)))
      const templated = await rejection(wechat.sendMessageWithTemplate(template, [value], OPENID))
      for (const error of [direct, templated]) {
        expect(isWechatValidationError(error) && error.field).toBe(`data.${keyOf(type)}.value`)
        expect((error as Error).message).toMatch(
          new RegExp(`^@wxkit/core: invalid data\\.${type}3\\.value: ${type} `),
        )
      }
    }
    expect(await calls(emu, SEND)).toBe(0)
  })

  test('a thing over 20 characters names the key, the rule and truncateString; truncated, it is delivered', async () => {
    const { emu, wechat } = await setup()
    const title = 'Your parcel from the shop around the corner 🎉 has been shipped'
    const error = await rejection(wechat.sendMessage(message('thing', title)))
    expect((error as Error).message).toBe(
      '@wxkit/core: invalid data.thing3.value: thing allows at most 20 characters; use truncateString',
    )
    expect((error as Error).message).not.toContain('parcel')
    await wechat.sendMessage(message('thing', truncateString(title, 20)))
    expect(await calls(emu, SEND)).toBe(1)
    const [sent] = await emu.control.messages()
    expect(sent && 'data' in sent && sent.data.thing3?.value).toBe(truncateString(title, 20))
  })

  test('validate: false sends the value as it is, and WeChat answers 47003 naming the key', async () => {
    const { emu, wechat } = await setup()
    const direct = await rejection(wechat.sendMessage(message('phrase', '已经配送中了'), { validate: false }))
    const templated = await rejection(
      wechat.sendMessageWithTemplate(
        { templateId: 'TPL_amount', templateKeys: ['amount3'] },
        ['99元'],
        OPENID,
        {
          validate: false,
        },
      ),
    )
    expect([direct, templated].map((e) => isWechatError(e) && [e.errcode, e.errmsg.split(',')[0]])).toEqual([
      [47003, 'argument invalid! data.phrase3.value invalid'],
      [47003, 'argument invalid! data.amount3.value invalid'],
    ])
    expect(await calls(emu, SEND)).toBe(2)
  })

  test('keys of a prefix §7 does not list pass unchecked (WeChat may add types), and so do enum values', async () => {
    const { emu, wechat } = await setup()
    await wechat.sendMessage({
      touser: OPENID,
      template_id: 'TPL_thing',
      data: { thing3: { value: 'ok' }, hologram7: { value: '' }, thing: { value: 'x'.repeat(99) } },
    })
    const enumError = await rejection(wechat.sendMessage(message('enum', '已取消')))
    expect(isWechatError(enumError) && enumError.errcode).toBe(47003)
    await wechat.sendMessage(message('enum', '已发货'))
    expect(await calls(emu, SEND)).toBe(3)
  })

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['an object', { text: 'Shipped' }],
    ['an array', ['Shipped']],
    ['a number', 5],
  ])('a value that is %s is refused, even with validate: false, never sent as text', async (_what, value) => {
    const { emu, wechat } = await setup()
    const data = { thing3: { value: value as unknown as string } }
    for (const validate of [true, false]) {
      const direct = await rejection(
        wechat.sendMessage({ touser: OPENID, template_id: 'TPL_thing', data }, { validate }),
      )
      expect(isWechatValidationError(direct) && direct.field).toBe('data.thing3.value')
    }
    expect(await calls(emu, SEND)).toBe(0)
  })

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['an object', { text: 'Shipped' }],
  ])('a template value that is %s is refused, even with validate: false', async (_what, value) => {
    const { emu, wechat } = await setup()
    const template = { templateId: 'TPL_thing', templateKeys: ['thing3'] }
    for (const validate of [true, false]) {
      const error = await rejection(wechat.sendMessageWithTemplate(template, [value], OPENID, { validate }))
      expect(isWechatValidationError(error) && error.field).toBe('values[0]')
    }
    expect(await calls(emu, SEND)).toBe(0)
  })

  test('template values that are numbers are sent as their text and checked as such', async () => {
    const { emu, wechat } = await setup()
    const template = { templateId: 'TPL_number', templateKeys: ['number3'] }
    await wechat.sendMessageWithTemplate(template, [12.5], OPENID)
    const error = await rejection(wechat.sendMessageWithTemplate(template, [-1], OPENID))
    expect(isWechatValidationError(error) && error.field).toBe('data.number3.value')
    expect(await calls(emu, SEND)).toBe(1)
  })
})
