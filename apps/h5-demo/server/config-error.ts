/** A configuration mistake, reported at start-up; its message never contains a secret's value. */
export class DemoConfigError extends Error {
  override name = 'DemoConfigError'
}

/** A variable's value trimmed, or undefined when it is unset or blank. */
export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}
