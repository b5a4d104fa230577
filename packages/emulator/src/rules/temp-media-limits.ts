/** The four kinds of temporary media (§15.5). */
export type TempMediaType = 'image' | 'voice' | 'video' | 'thumb'

const MIB = 1024 * 1024

/**
 * §15.5: the largest file in bytes and the file extensions allowed, per type. WeChat writes "10 MB", "2 MB"
 * and "64 KB"; the emulator reads them as binary units (10 MiB, 2 MiB, 64 KiB), as `@wxkit/core` does.
 */
export const TEMP_MEDIA_LIMITS: Readonly<
  Record<TempMediaType, { maxBytes: number; extensions: readonly string[] }>
> = {
  image: { maxBytes: 10 * MIB, extensions: ['bmp', 'png', 'jpeg', 'jpg', 'gif'] },
  voice: { maxBytes: 2 * MIB, extensions: ['amr', 'mp3'] },
  video: { maxBytes: 10 * MIB, extensions: ['mp4'] },
  thumb: { maxBytes: 64 * 1024, extensions: ['jpg'] },
}

/** How long WeChat keeps temporary media: 3 days (§15.5). */
export const TEMP_MEDIA_LIFETIME_MS = 3 * 24 * 3600_000

/** Whether `type` is one of the four media types. */
export function isTempMediaType(type: unknown): type is TempMediaType {
  return typeof type === 'string' && Object.hasOwn(TEMP_MEDIA_LIMITS, type)
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  bmp: 'image/bmp',
  png: 'image/png',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
}

const extensionOf = (filename: string): string | undefined => /\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase()

/** Whether `filename`'s extension (any case) is allowed for `type`. */
export function allowedFile(type: TempMediaType, filename: string): boolean {
  const extension = extensionOf(filename)
  return extension !== undefined && TEMP_MEDIA_LIMITS[type].extensions.includes(extension)
}

/**
 * The Content-Type `media/get` serves a stored file with: the one its extension implies (what the upload's
 * part claimed is not trusted, so a file is never served as, say, JSON).
 */
export function contentTypeOf(filename: string): string {
  return CONTENT_TYPES[extensionOf(filename) ?? ''] ?? 'application/octet-stream'
}
