/** The figures of BENCHMARKS.md that `pnpm bench` can measure. */
export const FIGURE_NUMBERS = [1, 2, 3, 4, 5, 6] as const
export type FigureNumber = (typeof FIGURE_NUMBERS)[number]

/** Which figures to measure, and whether that is all of them (a whole run writes latest.md). */
export interface SelectedFigures {
  has(figure: FigureNumber): boolean
  all: boolean
  list: FigureNumber[]
}

/**
 * BENCH_FIGURES as a set: unset or empty selects every figure; otherwise a comma-separated list of figure
 * numbers (`6`, `1,6`). Figures 1 and 4 share their route servers, so either selects both. Anything else
 * throws, so a typo cannot silently run the whole four-minute bench or nothing.
 */
export function selectedFigures(value: string | undefined): SelectedFigures {
  const text = (value ?? '').trim()
  const picked = new Set<FigureNumber>()
  if (text === '') for (const n of FIGURE_NUMBERS) picked.add(n)
  else {
    for (const part of text.split(',')) {
      const n = Number(part.trim())
      if (!FIGURE_NUMBERS.includes(n as FigureNumber)) {
        throw new Error(`BENCH_FIGURES=${value}: expected figure numbers from 1 to 6, comma-separated`)
      }
      picked.add(n as FigureNumber)
    }
    if (picked.has(1) || picked.has(4)) for (const n of [1, 4] as const) picked.add(n)
  }
  const list = FIGURE_NUMBERS.filter((n) => picked.has(n))
  return { has: (figure) => picked.has(figure), all: list.length === FIGURE_NUMBERS.length, list }
}
