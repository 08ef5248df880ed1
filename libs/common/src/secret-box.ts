// Secrets Quiver must read back (a cluster's signing key) are kept encrypted at rest: AES-256-GCM.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const VERSION = 'v1'

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** QUIVER_SECRET_KEY (base64, 32 bytes) if set, else a key generated once into the data directory. */
  static load(secretKey: string | undefined, dataDir: string): SecretBox {
    if (secretKey) return new SecretBox(Buffer.from(secretKey, 'base64'))
    const file = path.join(dataDir, 'secret.key')
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true })
      try {
        writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 })
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST') throw error // another process was first
      }
    }
    chmodSync(file, 0o600)
    return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'))
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':')
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':')
    if (version !== VERSION || !iv || !tag || !data) throw new Error('not a sealed secret')
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'))
    decipher.setAuthTag(Buffer.from(tag, 'base64'))
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8')
  }
}
