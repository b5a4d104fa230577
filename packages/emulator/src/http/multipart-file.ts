import { Readable } from 'node:stream'
import { Busboy } from '@fastify/busboy'
import type { Context } from 'hono'

/** One file part of a multipart/form-data body. */
export interface MultipartFile {
  filename: string
  /** The part's own Content-Type (busboy's default `application/octet-stream` when it has none). */
  contentType: string
  bytes: Uint8Array
  /** The file was longer than `maxBytes`; `bytes` holds only its first `maxBytes`. */
  truncated: boolean
}

/**
 * The file part named `field` of a multipart/form-data request, parsed by busboy as it streams in and cut
 * off after `maxBytes` (so an oversized file is not held whole). Undefined when the body is not multipart,
 * is malformed, or has no file part of that name (a plain field of that name is not a file).
 */
export function readMultipartFile(
  c: Context,
  field: string,
  maxBytes: number,
): Promise<MultipartFile | undefined> {
  const contentType = c.req.header('content-type') ?? ''
  const body = c.req.raw.body
  if (!body || !/^multipart\/form-data\b/i.test(contentType)) return Promise.resolve(undefined)
  return new Promise((resolve) => {
    let parser: ReturnType<typeof Busboy>
    try {
      parser = Busboy({
        headers: { 'content-type': contentType },
        limits: { fileSize: maxBytes, parts: 16, fieldSize: 64 * 1024 },
      })
    } catch {
      resolve(undefined) // no boundary
      return
    }
    let found: MultipartFile | undefined
    parser.on('file', (name, stream, filename, _encoding, mimeType) => {
      stream.on('error', () => resolve(undefined)) // a part cut short: the parser reports it too
      if (name !== field || found) {
        stream.resume()
        return
      }
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        found = { filename, contentType: mimeType, bytes: Buffer.concat(chunks), truncated: stream.truncated }
      })
    })
    parser.on('finish', () => resolve(found))
    parser.on('error', () => resolve(undefined))
    const source = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>)
    source.on('error', () => resolve(undefined))
    source.pipe(parser)
  })
}
