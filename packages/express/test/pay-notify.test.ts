import express from 'express'
import { describe, expect, it } from 'vitest'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import {
  attemptStatuses,
  NOTIFY_URL,
  notificationsOf,
  placeOrder,
  type Relay,
  recordingHandlers,
  send,
  signAsWechatPay,
  startPayTestBed,
  startRelay,
  startShop,
} from './support/pay-shop.js'

const { emulator, pay } = await startPayTestBed()

const FAIL = { code: 'FAIL', message: expect.any(String) }

describe.each(EXPRESS_VERSIONS)('payNotifyRoutes() on $name', (version) => {
  /** A shop behind a relay the emulator notifies; `fail(run)` makes a handler run throw. */
  async function shop(
    fail?: (run: number) => Error | undefined,
    before?: Parameters<typeof startShop>[3],
  ): Promise<{ relay: Relay; url: string } & ReturnType<typeof recordingHandlers>> {
    const handlers = recordingHandlers(fail)
    const origin = await startShop(version, pay, handlers.options, before)
    const relay = await startRelay([origin])
    await emulator.control.routeNotifyUrl({ from: NOTIFY_URL, to: relay.url })
    return { ...handlers, relay, url: `${origin}/pay/notify` }
  }

  /** An order paid by the emulator's user; its number and the notification as the relay kept it. */
  async function paidOrder(relay: Relay) {
    const out_trade_no = await placeOrder(pay)
    await emulator.control.payOrder({ out_trade_no })
    const received = relay.received.at(-1)
    if (!received) throw new Error('no notification arrived')
    return { out_trade_no, received }
  }

  it('runs onTransaction once with the verified, decrypted transaction and answers 204', async () => {
    const { relay, recorder } = await shop()
    const { out_trade_no, received } = await paidOrder(relay)
    expect(received.status).toBe(204)
    expect(received.answers[0]?.body).toBe('')
    const [notification] = await notificationsOf(emulator, out_trade_no)
    expect(notification).toMatchObject({ acknowledged: true, nextAttemptAt: undefined })
    expect(await attemptStatuses(emulator, out_trade_no)).toEqual([204])
    expect(recorder.runs).toHaveLength(1)
    expect(recorder.runs[0]).toMatchObject({
      kind: 'transaction',
      resource: { out_trade_no, trade_state: 'SUCCESS', amount: { total: 1 }, payer: { openid: 'o_payer' } },
      context: { id: notification?.id, event_type: 'TRANSACTION.SUCCESS', summary: '支付成功' },
    })
    expect(recorder.runs[0]?.context.req.method).toBe('POST')
    expect(recorder.logs).toEqual([])
  })

  it('answers the retry after a lost acknowledgement with 204 and does not run the handler again', async () => {
    const { relay, recorder } = await shop()
    relay.override = (status, index) => (index === 0 ? 502 : status) // WeChat Pay never saw the 204
    const { out_trade_no } = await paidOrder(relay)
    expect(relay.received[0]?.answers[0]?.status).toBe(204)
    expect(await attemptStatuses(emulator, out_trade_no)).toEqual([502])
    await emulator.control.advanceClock(15_000) // WeChat Pay's first retry
    expect(await attemptStatuses(emulator, out_trade_no)).toEqual([502, 204])
    expect(relay.received[1]?.body.equals(relay.received[0]?.body as Buffer)).toBe(true)
    expect(recorder.runs).toHaveLength(1)
  })

  it('answers a replayed notification (the same bytes and signature) with 204 and no second run', async () => {
    const { relay, recorder, url } = await shop()
    const { received } = await paidOrder(relay)
    for (let copy = 0; copy < 3; copy++) {
      expect(await send(url, received)).toEqual({ status: 204, body: '' })
    }
    // Copies arriving together in one process run it once too.
    const { received: second } = await paidOrder(relay)
    expect(recorder.runs).toHaveLength(2)
    const together = await Promise.all([1, 2, 3].map(() => send(url, second)))
    expect(together.map((answer) => answer.status)).toEqual([204, 204, 204])
    expect(recorder.runs).toHaveLength(2)
  })

  it('answers 500 FAIL when the handler throws, keeping its error out of the body, and runs it again on the retry', async () => {
    const { relay, recorder } = await shop((run) =>
      run === 1 ? new Error('database unreachable at 10.0.0.7 (password hunter2)') : undefined,
    )
    const { out_trade_no, received } = await paidOrder(relay)
    expect(received.answers[0]?.status).toBe(500)
    expect(JSON.parse(received.answers[0]?.body ?? '')).toEqual(FAIL)
    expect(received.answers[0]?.body).not.toMatch(/database|hunter2|10\.0\.0\.7/)
    expect(recorder.runs).toHaveLength(1)
    expect(recorder.logs).toEqual([expect.stringMatching(/handler threw[\s\S]*database unreachable/)])
    expect(recorder.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/database/) })])

    await emulator.control.advanceClock(15_000)
    expect(await attemptStatuses(emulator, out_trade_no)).toEqual([500, 204])
    expect(recorder.runs).toHaveLength(2)
    expect(recorder.runs[1]?.context.id).toBe(recorder.runs[0]?.context.id)
    await emulator.control.advanceClock(15_000)
    expect(await attemptStatuses(emulator, out_trade_no)).toEqual([500, 204])
    expect(recorder.runs).toHaveLength(2)
  })

  it('answers 401 FAIL to forged signatures, bodies, serials, stale timestamps and missing headers', async () => {
    const { relay, recorder, url } = await shop()
    const { received } = await paidOrder(relay)
    const { headers, body } = received
    const text = body.toString()
    const signature = headers['wechatpay-signature'] as string
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`
    const { 'wechatpay-signature': _, ...unsigned } = headers
    const cases: [string, Record<string, string>, string][] = [
      ['another signature', { ...headers, 'wechatpay-signature': flipped }, text],
      ['another body', headers, text.replace('"summary":"', '"summary":"x')],
      ['an unknown serial', { ...headers, 'wechatpay-serial': `PUB_KEY_ID_${'0'.repeat(32)}` }, text],
      ['a timestamp 6 minutes old', signAsWechatPay(text, Date.now() - 6 * 60_000), text],
      ['no signature', unsigned, text],
    ]
    for (const [label, forgedHeaders, forgedBody] of cases) {
      const answer = await send(url, { headers: forgedHeaders, body: forgedBody })
      expect({ label, status: answer.status }).toEqual({ label, status: 401 })
      expect(JSON.parse(answer.body)).toEqual(FAIL)
    }
    expect(recorder.runs).toHaveLength(1)
    expect(recorder.errors).toEqual([])
  })

  it('answers a WECHATPAY/SIGNTEST/ probe with 401, as §16.2 asks', async () => {
    const { relay, recorder } = await shop()
    expect(await emulator.control.sendProbe(NOTIFY_URL)).toEqual({ status: 401 })
    expect(relay.received[0]?.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//)
    expect(recorder.runs).toEqual([])
  })

  it('answers 400 FAIL to a correctly signed body that is not a usable notification', async () => {
    const { recorder, url } = await shop()
    const bodies = [
      '{"id":"N1","event_type":', // not JSON
      '[1,2]',
      JSON.stringify({ id: 'N2', event_type: 'TRANSACTION.SUCCESS' }), // no resource
      JSON.stringify({ id: 'N3', event_type: 'SOMETHING.ELSE', resource: {} }),
      JSON.stringify({
        id: 'N4',
        event_type: 'TRANSACTION.SUCCESS',
        resource: {
          algorithm: 'AEAD_AES_256_GCM',
          ciphertext: 'bm90IGVuY3J5cHRlZA==',
          nonce: 'abcdefghijkl',
        },
      }), // not encrypted with the APIv3 key
    ]
    for (const body of bodies) {
      const answer = await send(url, { headers: signAsWechatPay(body), body })
      expect({ body, status: answer.status }).toEqual({ body, status: 400 })
      expect(JSON.parse(answer.body)).toEqual(FAIL)
    }
    expect(recorder.runs).toEqual([])
  })

  it('answers 413 to a body over 64 KiB, 405 to other methods, and lets other paths through', async () => {
    const { url } = await shop()
    const big = JSON.stringify({ id: 'N5', padding: 'x'.repeat(70_000) })
    const tooLarge = await send(url, { headers: signAsWechatPay(big), body: big })
    expect(tooLarge.status).toBe(413)
    expect(JSON.parse(tooLarge.body)).toEqual(FAIL)
    const get = await fetch(url)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(await get.json()).toEqual(FAIL)
    expect((await fetch(`${url}/elsewhere`, { method: 'POST' })).status).toBe(404)
  })

  it('answers 500 naming express.json() when it consumed the body first, and works behind express.raw()', async () => {
    const parsed = await shop(undefined, (app) => app.use(express.json()))
    const { received } = await paidOrder(parsed.relay)
    expect(received.answers[0]?.status).toBe(500)
    expect(JSON.parse(received.answers[0]?.body ?? '').message).toMatch(
      /express\.json\(\) \(or another JSON parser\) ran before payNotifyRoutes\(\)/,
    )
    expect(parsed.recorder.runs).toEqual([])

    const raw = await shop(undefined, (app) => app.use(express.raw({ type: 'application/json' })))
    expect((await paidOrder(raw.relay)).received.status).toBe(204)
    expect(raw.recorder.runs).toHaveLength(1)
  })

  it('hands refund notifications to onRefund, once each', async () => {
    const { relay, recorder, url } = await shop()
    const { out_trade_no } = await paidOrder(relay)
    await pay.refund({
      out_trade_no,
      out_refund_no: `R${out_trade_no}`,
      amount: { refund: 1, total: 1 },
      notify_url: NOTIFY_URL,
    })
    await emulator.control.settleRefund({ out_refund_no: `R${out_trade_no}` })
    const refund = relay.received.at(-1)
    expect(refund?.status).toBe(204)
    expect(recorder.runs.map((run) => run.kind)).toEqual(['transaction', 'refund'])
    expect(recorder.runs[1]).toMatchObject({
      resource: { out_trade_no, out_refund_no: `R${out_trade_no}`, refund_status: 'SUCCESS' },
      context: { event_type: 'REFUND.SUCCESS' },
    })
    expect((await send(url, refund as NonNullable<typeof refund>)).status).toBe(204)
    expect(recorder.runs).toHaveLength(2)
  })
})
