import { sign, unsign } from 'cookie-signature'

/**
 * Signs and verifies cookie values with `cookie-signature` (HMAC-SHA256), supporting secret rotation:
 * the first secret signs, every secret verifies.
 */
export class CookieSigner {
  readonly #secrets: readonly string[]

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets
  }

  /** `value.signature` under the first secret. */
  sign(value: string): string {
    return sign(value, this.#secrets[0] as string)
  }

  /** The original value when `signed` verifies under any secret, else `undefined`. */
  unsign(signed: string | undefined): string | undefined {
    if (!signed) return undefined
    for (const secret of this.#secrets) {
      const value = unsign(signed, secret)
      if (value !== false) return value
    }
    return undefined
  }
}
