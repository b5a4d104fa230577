/** A content-security verdict (§14.3). */
export type ContentSuggest = 'risky' | 'pass' | 'review'

/** The argument of `setContentRules()`: keywords that make a text (or a media URL) risky or held for review. */
export interface ContentRules {
  /** Content containing one of these (case-insensitive) is `risky`. @default [] */
  risky?: string[]
  /** Content containing one of these is `review` (risky wins when both match). @default [] */
  review?: string[]
}

/** A verdict and the keyword that decided it. */
export interface ContentVerdict {
  suggest: ContentSuggest
  /** 100 for `pass`, 21000 ("other") for a keyword match. */
  label: number
  keyword?: string
}

/** The keyword lists that decide `msg_sec_check` and `media_check_async` verdicts; empty lists pass all. */
export class ContentRuleBook {
  #risky: string[] = []
  #review: string[] = []

  /** Replace the rules. */
  set(rules: ContentRules): void {
    this.#risky = [...(rules.risky ?? [])]
    this.#review = [...(rules.review ?? [])]
  }

  /** The verdict on `texts` (the content, title, nickname, signature, or a media URL). */
  judge(texts: readonly string[]): ContentVerdict {
    const haystack = texts.join('\n').toLowerCase()
    const hit = (words: string[]) => words.find((word) => haystack.includes(word.toLowerCase()))
    const risky = hit(this.#risky)
    if (risky !== undefined) return { suggest: 'risky', label: 21000, keyword: risky }
    const review = hit(this.#review)
    if (review !== undefined) return { suggest: 'review', label: 21000, keyword: review }
    return { suggest: 'pass', label: 100 }
  }

  /** Back to no rules. */
  clear(): void {
    this.#risky = []
    this.#review = []
  }
}

/** WeChat's `detail[]` for a verdict: the model's finding, plus the keyword strategy's when one matched. */
export function verdictDetail(verdict: ContentVerdict): Record<string, unknown>[] {
  return [
    { strategy: 'content_model', errcode: 0, suggest: verdict.suggest, label: verdict.label, prob: 90 },
    ...(verdict.keyword === undefined
      ? []
      : [
          {
            strategy: 'keyword',
            errcode: 0,
            suggest: verdict.suggest,
            label: verdict.label,
            level: 20,
            keyword: verdict.keyword,
          },
        ]),
  ]
}
