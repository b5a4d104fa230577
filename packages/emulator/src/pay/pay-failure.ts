/** A WeChat Pay API error answer: HTTP status plus `{ code, message }` (§16). */
export class PayApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'PayApiFailure'
  }

  /** The JSON body WeChat Pay answers. */
  toBody(): { code: string; message: string } {
    return { code: this.code, message: this.message }
  }
}
