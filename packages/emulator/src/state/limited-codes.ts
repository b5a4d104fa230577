/** The lifetime limit of limited codes, getwxacode and createwxaqrcode together (§14.2). */
export const LIMITED_CODE_LIMIT = 100_000

/** How many limited codes each app has generated: they count for good, and stop at the limit (45029). */
export class LimitedCodeCounter {
  readonly #used = new Map<string, number>()

  constructor(readonly limit: number = LIMITED_CODE_LIMIT) {}

  /** Count one code for `appId`; false when the app has already reached the limit (nothing is counted). */
  take(appId: string): boolean {
    const used = this.#used.get(appId) ?? 0
    if (used >= this.limit) return false
    this.#used.set(appId, used + 1)
    return true
  }

  /** Codes `appId` has generated. */
  used(appId: string): number {
    return this.#used.get(appId) ?? 0
  }

  /** Forget every count. */
  clear(): void {
    this.#used.clear()
  }
}
