import { DEFAULT_MERCHANT, PAY_PLATFORM_PUBLIC_KEY } from '@wxkit/emulator'

/** The `WECHAT_PAY_*` variables of the emulator's default merchant, notified at `notifyUrl`. */
export function emulatorMerchantEnv(notifyUrl: string) {
  return {
    WECHAT_PAY_MCH_ID: DEFAULT_MERCHANT.mchid,
    WECHAT_PAY_SERIAL_NO: DEFAULT_MERCHANT.serialNo,
    WECHAT_PAY_PRIVATE_KEY: DEFAULT_MERCHANT.privateKey,
    WECHAT_PAY_API_V3_KEY: DEFAULT_MERCHANT.apiV3Key,
    WECHAT_PAY_PUBLIC_KEY_ID: PAY_PLATFORM_PUBLIC_KEY.publicKeyId,
    WECHAT_PAY_PUBLIC_KEY: PAY_PLATFORM_PUBLIC_KEY.publicKey,
    WECHAT_PAY_NOTIFY_URL: notifyUrl,
  }
}
