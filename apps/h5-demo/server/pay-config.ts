import { createPrivateKey, createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { DemoConfigError, nonEmpty } from './config-error.js'

/** Real mode: the WeChat Pay merchant the "Pay ¥0.01" card orders with (`WECHAT_PAY_*`). */
export interface DemoPayConfig {
  /** `WECHAT_PAY_MCH_ID`: the merchant id (digits). */
  mchId: string
  /** `WECHAT_PAY_SERIAL_NO`: the serial number of the merchant API certificate (hex). */
  merchantSerialNo: string
  /** `WECHAT_PAY_PRIVATE_KEY` or the file `WECHAT_PAY_PRIVATE_KEY_FILE` names: `apiclient_key.pem`. */
  privateKey: string
  /** `WECHAT_PAY_API_V3_KEY`: the 32-byte APIv3 key. */
  apiV3Key: string
  /** `WECHAT_PAY_PUBLIC_KEY_ID`: the WeChat Pay public key's id, `PUB_KEY_ID_…`. */
  publicKeyId: string
  /** `WECHAT_PAY_PUBLIC_KEY` or the file `WECHAT_PAY_PUBLIC_KEY_FILE` names: `pub_key.pem`. */
  publicKey: string
  /** `WECHAT_PAY_NOTIFY_URL`: the public https URL of the demo's `/wechat/pay/notify`. */
  notifyUrl: string
  /** `WECHAT_PAY_BASE_URL`, instead of https://api.mch.weixin.qq.com. */
  baseURL?: string
}

/** Every `WECHAT_PAY_*` variable the demo reads. */
export const PAY_VARIABLES = [
  'WECHAT_PAY_MCH_ID',
  'WECHAT_PAY_SERIAL_NO',
  'WECHAT_PAY_PRIVATE_KEY',
  'WECHAT_PAY_PRIVATE_KEY_FILE',
  'WECHAT_PAY_API_V3_KEY',
  'WECHAT_PAY_PUBLIC_KEY_ID',
  'WECHAT_PAY_PUBLIC_KEY',
  'WECHAT_PAY_PUBLIC_KEY_FILE',
  'WECHAT_PAY_NOTIFY_URL',
  'WECHAT_PAY_BASE_URL',
] as const

/** Where `wechat({ pay })` mounts WeChat Pay's notifications, so `WECHAT_PAY_NOTIFY_URL` must end so. */
export const PAY_NOTIFY_PATH = '/wechat/pay/notify'

type Env = Record<string, string | undefined>

/**
 * Reads `WECHAT_PAY_*` (real mode): undefined when none is set (the card then says Pay is not configured),
 * the merchant when all are; anything in between, or a value WeChat Pay would refuse, is a
 * {@link DemoConfigError} naming the variable and never its value.
 */
export function readPayConfig(env: Env): DemoPayConfig | undefined {
  if (PAY_VARIABLES.every((name) => nonEmpty(env[name]) === undefined)) return undefined
  const privateKey = readPem(env, 'WECHAT_PAY_PRIVATE_KEY')
  const publicKey = readPem(env, 'WECHAT_PAY_PUBLIC_KEY')
  const required = {
    WECHAT_PAY_MCH_ID: nonEmpty(env.WECHAT_PAY_MCH_ID),
    WECHAT_PAY_SERIAL_NO: nonEmpty(env.WECHAT_PAY_SERIAL_NO),
    WECHAT_PAY_PRIVATE_KEY: privateKey,
    WECHAT_PAY_API_V3_KEY: nonEmpty(env.WECHAT_PAY_API_V3_KEY),
    WECHAT_PAY_PUBLIC_KEY_ID: nonEmpty(env.WECHAT_PAY_PUBLIC_KEY_ID),
    WECHAT_PAY_PUBLIC_KEY: publicKey,
    WECHAT_PAY_NOTIFY_URL: nonEmpty(env.WECHAT_PAY_NOTIFY_URL),
  }
  const missing = Object.entries(required)
    .filter(([, value]) => value === undefined)
    .map(([name]) => (name.endsWith('_KEY') && name !== 'WECHAT_PAY_API_V3_KEY' ? `${name}(_FILE)` : name))
  if (missing.length > 0) {
    throw new DemoConfigError(`WeChat Pay needs every WECHAT_PAY_* setting; missing: ${missing.join(', ')}`)
  }
  const values = required as { [name in keyof typeof required]: string }
  if (!/^\d{1,32}$/.test(values.WECHAT_PAY_MCH_ID)) {
    throw new DemoConfigError('WECHAT_PAY_MCH_ID must be the digits of the merchant id')
  }
  if (!/^[0-9A-Fa-f]{1,64}$/.test(values.WECHAT_PAY_SERIAL_NO)) {
    throw new DemoConfigError(
      'WECHAT_PAY_SERIAL_NO must be the hex serial number of the merchant certificate',
    )
  }
  if (Buffer.byteLength(values.WECHAT_PAY_API_V3_KEY) !== 32) {
    throw new DemoConfigError(
      'WECHAT_PAY_API_V3_KEY must be exactly 32 bytes, as set in the merchant platform',
    )
  }
  if (!/^PUB_KEY_ID_\w+$/.test(values.WECHAT_PAY_PUBLIC_KEY_ID)) {
    throw new DemoConfigError('WECHAT_PAY_PUBLIC_KEY_ID must look like PUB_KEY_ID_ followed by digits')
  }
  checkRsaKey('WECHAT_PAY_PRIVATE_KEY', values.WECHAT_PAY_PRIVATE_KEY, 'private')
  checkRsaKey('WECHAT_PAY_PUBLIC_KEY', values.WECHAT_PAY_PUBLIC_KEY, 'public')
  const pay: DemoPayConfig = {
    mchId: values.WECHAT_PAY_MCH_ID,
    merchantSerialNo: values.WECHAT_PAY_SERIAL_NO,
    privateKey: values.WECHAT_PAY_PRIVATE_KEY,
    apiV3Key: values.WECHAT_PAY_API_V3_KEY,
    publicKeyId: values.WECHAT_PAY_PUBLIC_KEY_ID,
    publicKey: values.WECHAT_PAY_PUBLIC_KEY,
    notifyUrl: checkNotifyUrl(values.WECHAT_PAY_NOTIFY_URL),
  }
  const baseURL = nonEmpty(env.WECHAT_PAY_BASE_URL)
  if (baseURL !== undefined) {
    const url = URL.parse(baseURL)
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '') {
      throw new DemoConfigError('WECHAT_PAY_BASE_URL must be a plain http(s) base URL')
    }
    pay.baseURL = url.href.replace(/\/+$/, '')
  }
  return pay
}

/** `NAME` itself, or the file `NAME_FILE` names (not both). */
function readPem(env: Env, name: string): string | undefined {
  const inline = nonEmpty(env[name])
  const file = nonEmpty(env[`${name}_FILE`])
  if (inline !== undefined && file !== undefined) {
    throw new DemoConfigError(`set ${name} or ${name}_FILE, not both`)
  }
  if (file === undefined) return inline?.replaceAll('\\n', '\n')
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new DemoConfigError(
      `${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    )
  }
}

function checkRsaKey(name: string, pem: string, type: 'private' | 'public'): void {
  let kind: string | undefined
  try {
    kind = (type === 'private' ? createPrivateKey(pem) : createPublicKey(pem)).asymmetricKeyType
  } catch {
    // Node's parse error may quote the key: a fixed message instead.
  }
  if (kind !== 'rsa') throw new DemoConfigError(`${name} must be a PEM RSA ${type} key`)
}

/** WeChat Pay's rule for `notify_url` (https, ≤ 255, no query) and the demo's route path. */
function checkNotifyUrl(value: string): string {
  const url = URL.parse(value)
  if (url === null || url.protocol !== 'https:' || value.length > 255) {
    throw new DemoConfigError('WECHAT_PAY_NOTIFY_URL must be an https URL of at most 255 characters')
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new DemoConfigError('WECHAT_PAY_NOTIFY_URL must not carry a query, fragment or credentials')
  }
  if (!url.pathname.endsWith(PAY_NOTIFY_PATH)) {
    throw new DemoConfigError(`WECHAT_PAY_NOTIFY_URL must end with ${PAY_NOTIFY_PATH}, the demo's route`)
  }
  return url.href
}
