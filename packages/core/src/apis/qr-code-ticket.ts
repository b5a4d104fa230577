import { defineEndpoint } from '../endpoint.js'
import { WechatResponseError, WechatValidationError } from '../errors.js'
import { requireObject, requireString } from '../validate.js'

/** The longest life of a temporary parameter code: 30 days, in seconds (§15.2). */
export const QR_CODE_MAX_EXPIRE_SECONDS = 2_592_000
const UINT32_MAX = 0xffff_ffff
const PERMANENT_SCENE_MAX = 100_000

/**
 * Body of `POST /cgi-bin/qrcode/create`, with WeChat's field names: a temporary code (`QR_SCENE`,
 * `QR_STR_SCENE`; `expire_seconds` ≤ 2592000, WeChat's default 60) or a permanent one (`QR_LIMIT_SCENE`,
 * `QR_LIMIT_STR_SCENE`; at most 100,000 per account). Scenes: a temporary `scene_id` is a non-zero 32-bit
 * integer (1–4294967295), a permanent one 1–100000; a `scene_str` is 1–64 characters.
 */
export type QrCodeTicketRequest =
  | { action_name: 'QR_SCENE'; expire_seconds?: number; action_info: { scene: { scene_id: number } } }
  | { action_name: 'QR_STR_SCENE'; expire_seconds?: number; action_info: { scene: { scene_str: string } } }
  | { action_name: 'QR_LIMIT_SCENE'; action_info: { scene: { scene_id: number } } }
  | { action_name: 'QR_LIMIT_STR_SCENE'; action_info: { scene: { scene_str: string } } }

/** Result of {@link createQrCodeTicket}. */
export interface QrCodeTicketResponse {
  /** Exchange it for the image with `qrCodeImageUrl(ticket)`. */
  ticket: string
  /** Seconds the code stays valid (temporary codes only). */
  expire_seconds?: number
  /** What the image encodes (`http://weixin.qq.com/q/…`): draw your own QR code from it if you like. */
  url: string
}

const ACTIONS = ['QR_SCENE', 'QR_STR_SCENE', 'QR_LIMIT_SCENE', 'QR_LIMIT_STR_SCENE']

/** Checks the scene rules of a parameter code before any request. */
export function validateQrCodeTicketRequest(request: QrCodeTicketRequest): QrCodeTicketRequest {
  requireObject('request', request)
  const action = request.action_name
  if (!ACTIONS.includes(action)) {
    throw new WechatValidationError('action_name', `must be one of ${ACTIONS.join(', ')}`)
  }
  const permanent = action === 'QR_LIMIT_SCENE' || action === 'QR_LIMIT_STR_SCENE'
  requireObject('action_info', request.action_info)
  const scene = requireObject('action_info.scene', request.action_info.scene)
  if (action === 'QR_STR_SCENE' || action === 'QR_LIMIT_STR_SCENE') {
    const str = scene.scene_str
    if (typeof str !== 'string' || str === '' || [...str].length > 64) {
      throw new WechatValidationError('action_info.scene.scene_str', 'must be a string of 1 to 64 characters')
    }
  } else {
    const id = scene.scene_id
    const max = permanent ? PERMANENT_SCENE_MAX : UINT32_MAX
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > max) {
      throw new WechatValidationError(
        'action_info.scene.scene_id',
        permanent
          ? 'must be an integer from 1 to 100000 for a permanent code'
          : 'must be a non-zero 32-bit integer (1 to 4294967295)',
      )
    }
  }
  const seconds = (request as { expire_seconds?: unknown }).expire_seconds
  if (!permanent && seconds !== undefined) {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
      throw new WechatValidationError('expire_seconds', 'must be a positive integer number of seconds')
    }
    if (seconds > QR_CODE_MAX_EXPIRE_SECONDS) {
      const hint = seconds > 1000 * QR_CODE_MAX_EXPIRE_SECONDS ? ' (it looks like milliseconds)' : ''
      throw new WechatValidationError('expire_seconds', `must be at most 2592000 (30 days)${hint}`)
    }
  }
  return request
}

/**
 * `POST /cgi-bin/qrcode/create`. Retried on transient failures: a repeat only mints another ticket for
 * the same scene (a permanent scene answers the same ticket).
 */
export const createQrCodeTicket = defineEndpoint({
  method: 'POST',
  path: '/cgi-bin/qrcode/create',
  json: validateQrCodeTicketRequest,
  read: (body: Partial<QrCodeTicketResponse>): QrCodeTicketResponse => {
    if (typeof body.ticket !== 'string' || body.ticket === '' || typeof body.url !== 'string') {
      throw new WechatResponseError({
        endpoint: '/cgi-bin/qrcode/create',
        reason: 'no ticket/url in the response',
      })
    }
    return {
      ticket: body.ticket,
      ...(typeof body.expire_seconds === 'number' ? { expire_seconds: body.expire_seconds } : {}),
      url: body.url,
    }
  },
})

/**
 * The image URL of a parameter code: `<mpBaseURL>/cgi-bin/showqrcode?ticket=<URL-encoded ticket>`. It needs
 * no token, so it can go straight into an `<img src>`. Tickets hold `+`, `/` and `=`: never put one in a
 * URL unencoded.
 */
export function qrCodeImageUrl(mpBaseURL: string, ticket: string): string {
  requireString('ticket', ticket, 4096)
  return `${mpBaseURL}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`
}
