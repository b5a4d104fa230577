/** One line of a {@link lineChartSvg}. */
export interface ChartSeries {
  name: string
  color: string
  /** y values, one per x category. */
  values: number[]
  /** Dashed stroke (for a second measure on the right axis). */
  dashed?: boolean
  /** Plot against the right-hand axis. */
  right?: boolean
}

export interface LineChartOptions {
  title: string
  /** Category labels along x (evenly spaced, e.g. connection counts). */
  categories: string[]
  xLabel: string
  leftLabel: string
  rightLabel?: string
  series: ChartSeries[]
}

const W = 720
const H = 400
const M = { top: 48, right: 80, bottom: 56, left: 80 }

/**
 * A small self-contained SVG line chart: categorical x axis, a left axis and an optional right one.
 * Hand-written so the bench depends on no charting library; it only needs to draw a few curves.
 */
export function lineChartSvg(options: LineChartOptions): string {
  const plotW = W - M.left - M.right
  const plotH = H - M.top - M.bottom
  const n = options.categories.length
  const x = (i: number) => M.left + (n === 1 ? plotW / 2 : (plotW * i) / (n - 1))
  const axisMax = (right: boolean) =>
    niceMax(Math.max(0, ...options.series.filter((s) => !!s.right === right).flatMap((s) => s.values)))
  const leftMax = axisMax(false)
  const rightMax = axisMax(true)
  const y = (v: number, right: boolean) => M.top + plotH - (plotH * v) / (right ? rightMax : leftMax || 1)

  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${esc(options.title)}</text>`,
  )
  for (let t = 0; t <= 4; t++) {
    const value = (leftMax * t) / 4
    const yy = y(value, false)
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}" stroke="#e5e7eb"/>`,
      `<text x="${M.left - 8}" y="${yy + 4}" text-anchor="end" fill="#374151">${fmt(value)}</text>`,
    )
    if (options.rightLabel && rightMax > 0) {
      parts.push(
        `<text x="${W - M.right + 8}" y="${yy + 4}" fill="#374151">${fmt((rightMax * t) / 4)}</text>`,
      )
    }
  }
  options.categories.forEach((c, i) => {
    parts.push(
      `<text x="${x(i)}" y="${H - M.bottom + 18}" text-anchor="middle" fill="#374151">${esc(c)}</text>`,
    )
  })
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#9ca3af"/>`,
    `<text x="${W / 2}" y="${H - 14}" text-anchor="middle" fill="#111827">${esc(options.xLabel)}</text>`,
    `<text transform="translate(20 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#111827">${esc(options.leftLabel)}</text>`,
  )
  if (options.rightLabel) {
    parts.push(
      `<text transform="translate(${W - 16} ${M.top + plotH / 2}) rotate(90)" text-anchor="middle" fill="#111827">${esc(options.rightLabel)}</text>`,
    )
  }
  options.series.forEach((s, k) => {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v, !!s.right).toFixed(1)}`)
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${points.join(' ')}"/>`,
      ...s.values.map(
        (v, i) =>
          `<circle cx="${x(i).toFixed(1)}" cy="${y(v, !!s.right).toFixed(1)}" r="3.5" fill="${s.color}"/>`,
      ),
    )
    const ly = M.top + 4 + k * 16
    parts.push(
      `<line x1="${M.left + 12}" x2="${M.left + 36}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${M.left + 42}" y="${ly + 4}" fill="#111827">${esc(s.name)}</text>`,
    )
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

function niceMax(value: number): number {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return step * power
  }
  return 10 * power
}

function fmt(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)}k`
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
