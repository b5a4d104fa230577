import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { pushSignature } from './push-crypto.js'
import type {
  PushAttempt,
  PushedMessage,
  PushResult,
  PushTarget,
  VerifyServerUrlResult,
} from './push-options.js'
import { pushRequest, readPushReply } from './push-wire.js'

/** WeChat waits 5 s for an answer (§9.2). */
export const PUSH_TIMEOUT_MS = 5000
/** …and tries 3 times in all. */
export const PUSH_TRIES = 3
/** What the user sees when no try gave a usable answer (§9.5). */
export const USER_NOTICE = '该公众号暂时无法提供服务，请稍后再试'

const MAX_REPLY_BYTES = 64 * 1024

interface Answer {
  status: number
  text: string
}

/** One HTTP exchange bounded by {@link PUSH_TIMEOUT_MS}, for the body too; `signal` aborts it early. */
async function exchange(url: string, init: RequestInit, signal: AbortSignal): Promise<Answer> {
  const bounded = AbortSignal.any([signal, AbortSignal.timeout(PUSH_TIMEOUT_MS)])
  const response = await fetch(url, { ...init, redirect: 'manual', signal: bounded })
  const text = await response.text()
  return { status: response.status, text: text.slice(0, MAX_REPLY_BYTES) }
}

function failure(error: unknown, signal: AbortSignal): PushAttempt['error'] {
  if (signal.aborted) throw signal.reason
  const name = (error as { name?: string } | null)?.name
  return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'connection failed'
}

/**
 * Deliver one message as WeChat does: sign (and encrypt per `target.mode`), POST it, wait 5 s for an
 * answer, and try again (a fresh timestamp and nonce, the same message) when none came, 3 tries at most.
 * The first HTTP answer, whatever its status, ends the delivery. Never rejects, except when `signal`
 * aborts (the emulator is closing).
 */
export async function deliverPush(
  target: PushTarget,
  message: PushedMessage,
  options: { now: () => number; signal: AbortSignal },
): Promise<PushResult> {
  const attempts: PushAttempt[] = []
  for (let attempt = 1; attempt <= PUSH_TRIES; attempt++) {
    const request = pushRequest(target, message, options.now())
    const started = performance.now()
    let answer: Answer
    try {
      answer = await exchange(
        request.url,
        {
          method: 'POST',
          headers: { 'content-type': request.contentType, 'user-agent': 'Mozilla/4.0' },
          body: request.body,
        },
        options.signal,
      )
    } catch (error) {
      const why = failure(error, options.signal)
      attempts.push({
        status: 0,
        ms: Math.round(performance.now() - started),
        ...(why ? { error: why } : {}),
      })
      continue
    }
    attempts.push({ status: answer.status, ms: Math.round(performance.now() - started) })
    const verdict =
      answer.status === 200
        ? readPushReply(target, message, answer.text)
        : { problem: `the server answered HTTP ${answer.status}` }
    if (verdict.reply !== undefined) return { message, attempts, reply: verdict.reply }
    return {
      message,
      attempts,
      userNotice: USER_NOTICE,
      ...(verdict.problem ? { problem: verdict.problem } : {}),
    }
  }
  return {
    message,
    attempts,
    userNotice: USER_NOTICE,
    problem: `no answer within ${PUSH_TIMEOUT_MS} ms, ${PUSH_TRIES} tries`,
  }
}

/**
 * The console's "submit" check (§9.1): a GET with `signature`, `timestamp`, `nonce` and `echostr`; the URL
 * passes when it answers HTTP 200 with exactly the echostr. One try, 5 s.
 */
export async function verifyServerUrl(
  target: { url: string; token: string },
  options: { now: () => number; signal: AbortSignal },
): Promise<VerifyServerUrlResult> {
  const timestamp = String(Math.floor(options.now() / 1000))
  const nonce = String(randomBytes(4).readUInt32BE() % 1_000_000_000)
  const echostr = String(randomBytes(8).readBigUInt64BE() % 10n ** 19n)
  const url = new URL(target.url)
  url.searchParams.set('signature', pushSignature(target.token, timestamp, nonce))
  url.searchParams.set('timestamp', timestamp)
  url.searchParams.set('nonce', nonce)
  url.searchParams.set('echostr', echostr)
  try {
    const answer = await exchange(url.href, { method: 'GET' }, options.signal)
    const body = answer.text.slice(0, 1024)
    return { ok: answer.status === 200 && answer.text === echostr, status: answer.status, echostr, body }
  } catch (error) {
    failure(error, options.signal)
    return { ok: false, status: 0, echostr, body: '' }
  }
}
