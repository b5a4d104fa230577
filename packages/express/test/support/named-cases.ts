/** Appends the expected status and code to each case's label: `missing` → `missing → 400 invalid_request`. */
export function named<T>(cases: [string, T, number, string][]): [string, T, number, string][] {
  return cases.map(([label, input, status, code]) => [`${label} → ${status} ${code}`, input, status, code])
}
