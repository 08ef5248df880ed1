import { readFileSync } from 'node:fs'
import path from 'node:path'

/** The Quiver release, as package.json names it; clusters record the version they run. */
export const QUIVER_VERSION: string = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../../../../../package.json'), 'utf8'),
).version
