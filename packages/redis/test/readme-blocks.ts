import { readFileSync } from 'node:fs'

/**
 * The ```ts block that follows `heading` in a README (this package's unless `readme` names another, e.g.
 * `../../core/README.md`), or undefined when the heading is missing.
 */
export function readmeBlock(heading: string, readme = '../README.md'): string | undefined {
  const text = readFileSync(new URL(readme, import.meta.url), 'utf8')
  const at = text.indexOf(heading)
  return at < 0 ? undefined : /```ts\n([\s\S]*?)```/.exec(text.slice(at))?.[1]
}

/**
 * The lines of the test file at `testFile` (pass `import.meta.url`) between `// README:<name>:begin` and
 * `// README:<name>:end`, one indent level less: the code a README example must be exactly.
 */
export function exampleBlock(testFile: string, name: string): string {
  const source = readFileSync(new URL(testFile), 'utf8')
  const marker = new RegExp(`// README:${name}:begin\\n([\\s\\S]*?)\\n\\s*// README:${name}:end`)
  const [, region = ''] = marker.exec(source) ?? []
  return `${region
    .split('\n')
    .map((line) => line.replace(/^ {2}/, ''))
    .join('\n')}\n`
}
