/** Request counts per path, as `counters().calls` reports them. */
export class CallCounter {
  #calls: Record<string, number> = {}

  /** Count one request on `path` (faulted requests count too). */
  count(path: string): void {
    this.#calls[path] = (this.#calls[path] ?? 0) + 1
  }

  /** A copy of the counts, keyed by request path. */
  snapshot(): Record<string, number> {
    return { ...this.#calls }
  }

  /** Forget everything. */
  clear(): void {
    this.#calls = {}
  }
}
