import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto'
import type { ResolvedPayConfig } from './config.js'
import { decryptResource, type EncryptedResource } from './crypto/aead-aes-256-gcm.js'
import { responseMessage, verifySha256Rsa } from './crypto/rsa-signature.js'
import { WechatPayResponseError, WechatPayVerificationError } from './errors.js'
import type { SignedHeaders } from './signed-headers.js'

/** WeChat Pay refuses answers whose timestamp is further off than this, and so do we (§16.2). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000
/** Downloaded certificates are fetched again after this long. */
export const CERTIFICATE_REFRESH_MS = 12 * 3600_000
/** An unknown serial triggers a download at most this often, so forged serials cannot flood WeChat Pay. */
export const UNKNOWN_SERIAL_REFRESH_MS = 60_000
const CACHE_TIMEOUT_MS = 1000

/** A platform certificate as kept in the store (public material only). */
export interface StoredCertificate {
  serial_no: string
  effective_time: string
  expire_time: string
  pem: string
}

interface CertificateSet {
  fetchedAt: number
  certificates: StoredCertificate[]
}

/** One entry of `GET /v3/certificates`. */
interface CertificateEntry {
  serial_no: string
  effective_time: string
  expire_time: string
  encrypt_certificate: EncryptedResource
}

/** Downloads `/v3/certificates` and returns the raw answer (the transport signs the request). */
export type CertificateDownload = (
  verify: (headers: SignedHeaders, bytes: Uint8Array, endpoint: string) => Promise<void>,
) => Promise<{ data?: CertificateEntry[] }>

/**
 * The keys answers and notifications are verified with: the WeChat Pay public key, and platform
 * certificates downloaded, decrypted, cached in the store, refreshed every 12 hours and on an unknown
 * serial (at most once per verification and once a minute).
 */
export class PlatformKeys {
  readonly #config: ResolvedPayConfig
  readonly #download: CertificateDownload
  readonly #cacheKey: string
  #memory: CertificateSet | undefined
  #inflight: Promise<CertificateSet> | undefined
  #lastUnknownRefresh = Number.NEGATIVE_INFINITY
  #warnedCache = false

  constructor(config: ResolvedPayConfig, download: CertificateDownload) {
    this.#config = config
    this.#download = download
    this.#cacheKey = `wxkit:pay:${config.mchId}:certificates`
  }

  /**
   * Verifies `TIMESTAMP\nNONCE\nBODY\n` against `Wechatpay-Signature` with the key `Wechatpay-Serial` names.
   * Throws {@link WechatPayVerificationError}; never returns on a failure.
   */
  async verify(headers: SignedHeaders, body: Uint8Array | string, endpoint?: string): Promise<void> {
    const { timestamp, nonce, signature, serial, requestId } = headers
    const context = { endpoint, requestId, serial }
    if (!timestamp || !nonce || !signature || !serial)
      throw new WechatPayVerificationError(
        'missing Wechatpay-Timestamp, -Nonce, -Signature or -Serial',
        context,
      )
    if (signature.startsWith('WECHATPAY/SIGNTEST/'))
      throw new WechatPayVerificationError('a WECHATPAY/SIGNTEST/ probe', context)
    if (!/^\d{1,12}$/.test(timestamp)) throw new WechatPayVerificationError('malformed timestamp', context)
    if (Math.abs(this.#config.now() - Number(timestamp) * 1000) > MAX_CLOCK_SKEW_MS)
      throw new WechatPayVerificationError('timestamp more than 5 minutes off', context)
    if (!/^[\w-]{1,128}$/.test(serial)) throw new WechatPayVerificationError('malformed serial', context)
    const key = await this.#keyFor(serial)
    if (!key) throw new WechatPayVerificationError('no platform key or certificate has this serial', context)
    if (!verifySha256Rsa(responseMessage(timestamp, nonce, body), signature, key))
      throw new WechatPayVerificationError('the signature does not match the body', context)
  }

  /** Downloads the platform certificates now and stores them (e.g. after a rotation notice). */
  async refresh(): Promise<StoredCertificate[]> {
    return (await this.#refresh()).certificates
  }

  async #keyFor(serial: string): Promise<KeyObject | undefined> {
    const publicKey = this.#config.publicKey
    if (publicKey && serial === publicKey.id) return publicKey.key
    if (serial.startsWith('PUB_KEY_ID_')) return undefined
    let set = await this.#current()
    const now = this.#config.now()
    const stale =
      !set || now - set.fetchedAt >= CERTIFICATE_REFRESH_MS || !usable(set.certificates, now).length
    let refreshed = false
    if (stale) {
      try {
        set = await this.#refresh()
        refreshed = true
      } catch (error) {
        // An old but unexpired certificate still verifies; a refresh failure is only fatal without one.
        if (!set) throw error
        this.#config.logger.warn(
          '@wxkit/pay: refreshing the platform certificates failed; using the stored ones',
          {
            error: String((error as Error)?.message ?? error),
          },
        )
      }
    }
    let found = find(set?.certificates, serial, now)
    if (!found && !refreshed && now - this.#lastUnknownRefresh >= UNKNOWN_SERIAL_REFRESH_MS) {
      this.#lastUnknownRefresh = now
      set = await this.#refresh()
      found = find(set.certificates, serial, now)
    }
    return found
  }

  /** The certificate set from memory, else from the store (bounded in time; an outage reads as a miss). */
  async #current(): Promise<CertificateSet | undefined> {
    try {
      const stored = await withTimeout(
        this.#config.cache.get<CertificateSet>(this.#cacheKey),
        CACHE_TIMEOUT_MS,
      )
      if (isCertificateSet(stored) && (!this.#memory || stored.fetchedAt >= this.#memory.fetchedAt))
        this.#memory = stored
    } catch (error) {
      this.#warnCache(error)
    }
    return this.#memory
  }

  #refresh(): Promise<CertificateSet> {
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined
    })
    return this.#inflight
  }

  async #fetch(): Promise<CertificateSet> {
    let decrypted: StoredCertificate[] = []
    // The transport verifies every answer before returning it: once this resolves, `decrypted` holds the list
    // the verification below parsed and checked.
    await this.#download(async (headers, bytes, endpoint) => {
      // The answer carries the certificates that sign it: decrypt them first (the APIv3 key proves they
      // come from WeChat Pay), then verify the answer with the one its serial names.
      decrypted = decryptEntries(parseEntries(bytes, endpoint), this.#config.apiV3Key, endpoint)
      const { timestamp, nonce, signature, serial } = headers
      const context = { endpoint, requestId: headers.requestId, serial }
      if (!timestamp || !nonce || !signature || !serial)
        throw new WechatPayVerificationError('missing Wechatpay-* headers', context)
      if (Math.abs(this.#config.now() - Number(timestamp) * 1000) > MAX_CLOCK_SKEW_MS)
        throw new WechatPayVerificationError('timestamp more than 5 minutes off', context)
      // As for any answer (`find`): the public key's id exactly, a certificate's serial in any case, and only
      // a certificate in force now (one that has expired or is not yet valid does not vouch for the list).
      const publicKey = this.#config.publicKey
      const key =
        publicKey && serial === publicKey.id ? publicKey.key : find(decrypted, serial, this.#config.now())
      if (!key || !verifySha256Rsa(responseMessage(timestamp, nonce, bytes), signature, key))
        throw new WechatPayVerificationError(
          'the certificate list is not signed by a certificate it holds that is in force',
          context,
        )
    })
    const set: CertificateSet = { fetchedAt: this.#config.now(), certificates: decrypted }
    this.#memory = set
    try {
      const latest = Math.max(...decrypted.map((c) => Date.parse(c.expire_time)))
      const ttl = Number.isFinite(latest) ? Math.max(60_000, latest - set.fetchedAt) : CERTIFICATE_REFRESH_MS
      await withTimeout(this.#config.cache.set(this.#cacheKey, set, ttl), CACHE_TIMEOUT_MS)
    } catch (error) {
      this.#warnCache(error)
    }
    return set
  }

  #warnCache(error: unknown): void {
    if (this.#warnedCache) return
    this.#warnedCache = true
    this.#config.logger.warn('@wxkit/pay: the certificate store failed; using process memory', {
      error: String((error as Error)?.message ?? error),
    })
  }
}

/** The certificates in force at `now`: from `effective_time` to just before `expire_time`. */
function usable(certificates: StoredCertificate[], now: number): StoredCertificate[] {
  return certificates.filter((c) => Date.parse(c.effective_time) <= now && now < Date.parse(c.expire_time))
}

/** The key of the certificate in force at `now` that `serial` names (in any case). */
function find(
  certificates: StoredCertificate[] | undefined,
  serial: string,
  now: number,
): KeyObject | undefined {
  const hit =
    certificates && usable(certificates, now).find((c) => c.serial_no.toUpperCase() === serial.toUpperCase())
  return hit ? createPublicKey(hit.pem) : undefined
}

function isCertificateSet(value: unknown): value is CertificateSet {
  const set = value as CertificateSet | undefined
  return typeof set?.fetchedAt === 'number' && Array.isArray(set.certificates)
}

function parseEntries(bytes: Uint8Array, endpoint: string): CertificateEntry[] {
  let parsed: { data?: unknown }
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    throw new WechatPayResponseError('the body is not JSON', { endpoint })
  }
  if (!Array.isArray(parsed?.data)) throw new WechatPayResponseError('no data array', { endpoint })
  return parsed.data as CertificateEntry[]
}

function decryptEntries(
  entries: CertificateEntry[],
  apiV3Key: Buffer,
  endpoint: string,
): StoredCertificate[] {
  return entries.map((entry) => {
    if (typeof entry?.serial_no !== 'string' || entry.encrypt_certificate?.algorithm !== 'AEAD_AES_256_GCM')
      throw new WechatPayResponseError('a certificate entry has an unexpected shape', { endpoint })
    let pem: string
    try {
      pem = decryptResource(entry.encrypt_certificate, apiV3Key)
    } catch {
      throw new WechatPayResponseError('a certificate does not decrypt with the APIv3 key', { endpoint })
    }
    let x509: X509Certificate
    try {
      x509 = new X509Certificate(pem)
    } catch {
      throw new WechatPayResponseError('a decrypted certificate is not X.509', { endpoint })
    }
    if (x509.serialNumber.toUpperCase() !== entry.serial_no.toUpperCase())
      throw new WechatPayResponseError("a certificate's serial differs from serial_no", { endpoint })
    return {
      serial_no: entry.serial_no.toUpperCase(),
      effective_time: entry.effective_time,
      expire_time: entry.expire_time,
      pem,
    }
  })
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the store did not answer within ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}
