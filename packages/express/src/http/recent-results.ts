/**
 * A bounded memo of recent results, for hot paths that see the same few inputs over and over. When it is
 * full the oldest entry goes first (a `Map` keeps insertion order), so its size never exceeds `limit`
 * whatever clients send.
 */
export class RecentResults<Value> {
  readonly #entries = new Map<string, Value>()
  readonly #limit: number

  constructor(limit: number) {
    this.#limit = limit
  }

  get(key: string): Value | undefined {
    return this.#entries.get(key)
  }

  has(key: string): boolean {
    return this.#entries.has(key)
  }

  set(key: string, value: Value): void {
    // Replacing a key it holds makes no room, so nothing else goes.
    if (this.#entries.size >= this.#limit && !this.#entries.has(key)) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
    this.#entries.set(key, value)
  }

  get size(): number {
    return this.#entries.size
  }
}
