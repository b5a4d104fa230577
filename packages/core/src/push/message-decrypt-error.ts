import { WechatDecryptError } from '../errors.js'

/** Why a pushed message did not decrypt. */
export type MessageDecryptFailure = 'base64' | 'padding' | 'appid'

/**
 * An `Encrypt` value that is not base64 of whole AES blocks (`base64`), does not decrypt to a well-formed
 * plaintext with the EncodingAESKey (`padding`: wrong key, bad pad or length), or carries another appid
 * (`appid`). A {@link WechatDecryptError}, so `isWechatDecryptError()` matches it; the message never holds
 * the key, the ciphertext or the plaintext.
 */
export class WechatMessageDecryptError extends WechatDecryptError {
  /** Which check failed. */
  readonly reason: MessageDecryptFailure

  constructor(reason: MessageDecryptFailure) {
    super(
      reason === 'base64'
        ? 'Encrypt is not base64 of whole AES blocks'
        : reason === 'padding'
          ? 'wrong EncodingAESKey, bad padding or bad length'
          : 'the message is addressed to another appid',
    )
    this.reason = reason
  }
}
