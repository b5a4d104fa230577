// `prepack` of every published package: refuse to pack when a file the package points at (exports, bin)
// is missing, so a direct `pnpm publish` of an unbuilt package cannot ship without dist/.
import { existsSync, readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync('package.json', 'utf8'))

/** Every file path in an exports/bin value, however deeply its conditions nest. */
function targets(value) {
  if (typeof value === 'string') return [value]
  if (value && typeof value === 'object') return Object.values(value).flatMap(targets)
  return []
}

const exportsField = pkg.publishConfig?.exports ?? pkg.exports
const missing = [...targets(exportsField), ...targets(pkg.bin)].filter(
  (path) => !path.includes('*') && !existsSync(path),
)
if (!existsSync('dist') || missing.length > 0) {
  console.error(
    `${pkg.name}: refusing to pack, ${missing.length > 0 ? `missing ${missing.join(', ')}` : 'no dist/'}. Run \`pnpm build\` first.`,
  )
  process.exit(1)
}
