import { DEFAULT_APP, DEFAULT_MERCHANT, PAY_PLATFORM_PUBLIC_KEY, type RunningEmulator } from '@wxkit/emulator'
import { WechatPay } from '@wxkit/pay'
import type { DemoConfig } from './config.js'
import { DemoOrders } from './demo-orders.js'
import { PAY_NOTIFY_PATH } from './pay-config.js'
import type { PayRoutesOptions } from './pay-routes.js'

/**
 * The public origin the embedded emulator's orders name in `notify_url` (WeChat Pay wants https; `.invalid`
 * never resolves). `control.routeNotifyUrl` delivers it to the demo's own port instead.
 */
export const EMULATOR_PAY_ORIGIN = 'https://h5-demo.invalid'

/** A `WechatPay` for the emulator's default merchant and app, at the emulator's `payBaseUrl`. */
export function emulatorPayClient(payBaseUrl: string): WechatPay {
  return new WechatPay({
    mchId: DEFAULT_MERCHANT.mchid,
    appId: DEFAULT_APP.appId,
    merchantSerialNo: DEFAULT_MERCHANT.serialNo,
    privateKey: DEFAULT_MERCHANT.privateKey,
    apiV3Key: DEFAULT_MERCHANT.apiV3Key,
    platform: PAY_PLATFORM_PUBLIC_KEY,
    baseURL: payBaseUrl,
  })
}

/** The Pay card's merchant for a configuration, and what to say about it at start-up. */
export interface DemoPaySetup {
  routes: PayRoutesOptions
  notes: string[]
  /** Once the demo listens on `port`: the emulator's notifications for the demo go there. */
  listening(port: number): Promise<void>
}

/**
 * Emulator mode: the emulator's default merchant (`DEFAULT_MERCHANT`, `PAY_PLATFORM_PUBLIC_KEY`) at its
 * `payBaseUrl`. Real mode: the `WECHAT_PAY_*` merchant, or none (the card says what to set).
 */
export function setUpDemoPay(config: DemoConfig, emulator: RunningEmulator | undefined): DemoPaySetup {
  if (emulator !== undefined) {
    const client = emulatorPayClient(emulator.payBaseUrl)
    return {
      routes: {
        pay: {
          client,
          orders: new DemoOrders({ mchid: DEFAULT_MERCHANT.mchid, appid: DEFAULT_APP.appId }),
          notifyUrl: `${EMULATOR_PAY_ORIGIN}${PAY_NOTIFY_PATH}`,
        },
      },
      notes: [`WeChat Pay: the emulator's merchant ${DEFAULT_MERCHANT.mchid}`],
      listening: (port) =>
        emulator.control.routeNotifyUrl({ from: EMULATOR_PAY_ORIGIN, to: `http://127.0.0.1:${port}` }),
    }
  }
  const merchant = config.pay
  if (config.wechat === undefined || merchant === undefined) {
    return {
      routes: {
        unavailable: 'WeChat Pay is not configured: set the WECHAT_PAY_* variables (see the README).',
      },
      notes: [`WECHAT_PAY_* is not set: the Pay card is off (see apps/h5-demo/README.md)`],
      listening: async () => {},
    }
  }
  const client = new WechatPay({
    mchId: merchant.mchId,
    appId: config.wechat.appId,
    merchantSerialNo: merchant.merchantSerialNo,
    privateKey: merchant.privateKey,
    apiV3Key: merchant.apiV3Key,
    platform: { publicKeyId: merchant.publicKeyId, publicKey: merchant.publicKey },
    ...(merchant.baseURL === undefined ? {} : { baseURL: merchant.baseURL }),
  })
  return {
    routes: {
      pay: {
        client,
        orders: new DemoOrders({ mchid: merchant.mchId, appid: config.wechat.appId }),
        notifyUrl: merchant.notifyUrl,
      },
    },
    notes: [`WeChat Pay: merchant ${merchant.mchId}, notifications expected at ${merchant.notifyUrl}`],
    listening: async () => {},
  }
}
