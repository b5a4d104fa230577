/** The element matching `selector`, which the page's markup guarantees; throws if the markup changed. */
export function element<T extends HTMLElement = HTMLElement>(
  selector: string,
  root: ParentNode = document,
): T {
  const found = root.querySelector<T>(selector)
  if (found === null) throw new Error(`h5-demo: ${selector} is missing from index.html`)
  return found
}

/** Shorthand for `[data-testid="…"]`, the hooks that tests and this code share. */
export function byTestId<T extends HTMLElement = HTMLElement>(testId: string): T {
  return element<T>(`[data-testid="${testId}"]`)
}
