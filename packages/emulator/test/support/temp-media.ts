import type { RunningEmulator } from '../../src/index.js'
import { classicToken } from './emulator-fixture.js'

/** POST `body` to `media/upload?type=…` with a fresh token and parse the JSON answer. */
export async function postUpload(
  e: RunningEmulator,
  type: string,
  body: FormData | string | undefined,
  headers: Record<string, string> = {},
  app?: { appId: string; appSecret: string },
): Promise<Record<string, unknown>> {
  const token = await classicToken(e, app)
  const response = await fetch(`${e.apiBaseUrl}/cgi-bin/media/upload?type=${type}&access_token=${token}`, {
    method: 'POST',
    headers,
    ...(body === undefined ? {} : { body }),
  })
  return (await response.json()) as Record<string, unknown>
}

/** A form with one file part `field` (default `media`). */
export function mediaForm(filename: string, bytes: Uint8Array, field = 'media', type = ''): FormData {
  const form = new FormData()
  form.append(field, new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), filename)
  return form
}

/** Uploads `bytes` as `filename` and returns its media id (throws on an errcode). */
export async function uploadMedia(
  e: RunningEmulator,
  type: 'image' | 'voice' | 'video' | 'thumb',
  filename: string,
  bytes: Uint8Array = new Uint8Array([1, 2, 3]),
): Promise<string> {
  const body = await postUpload(e, type, mediaForm(filename, bytes))
  if (typeof body.media_id !== 'string') throw new Error(`upload failed: ${JSON.stringify(body)}`)
  return body.media_id
}
