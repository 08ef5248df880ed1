// One validated configuration, read once at start-up; a bad value stops the process naming the variable.
import { plainToInstance, Transform } from 'class-transformer'
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator'

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value)
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value
  const v = value.trim().toLowerCase()
  return ['true', '1', 'yes', 'on'].includes(v) ? true : ['false', '0', 'no', 'off'].includes(v) ? false : value
}

export class Config {
  @IsString() HOST = '127.0.0.1'
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT = 8080
  @Matches(/^postgres(ql)?:\/\/[^/]+\/[^/?]+/, { message: 'must be a postgresql://user@host:port/database URL' })
  DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/quiver'
  @Transform(toInt) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE = 10
  @Transform(toBool) @IsBoolean() MIGRATE_ON_START = true
  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' }) REDIS_URL = 'redis://127.0.0.1:6379'
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' }) REDIS_PREFIX = 'quiver'
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info'
  @IsUrl({ require_tld: false, require_protocol: true }) PUBLIC_URL = 'http://127.0.0.1:8080'
  @Transform(toBool) @IsBoolean() SIGNUP_ENABLED = true
  @Transform(toInt) @IsInt() @Min(1) @Max(24 * 365) SESSION_TTL_HOURS = 24 * 7
  @Transform(toInt) @IsInt() @Min(1) LOGIN_MAX_ATTEMPTS_PER_EMAIL = 10
  @Transform(toInt) @IsInt() @Min(1) LOGIN_MAX_ATTEMPTS_PER_IP = 100
  @Transform(toInt) @IsInt() @Min(1) @Max(86400) LOGIN_RATE_WINDOW_SECONDS = 900
  @Transform(toInt) @IsInt() @Min(1024) @Max(64 * 1024 * 1024) BODY_LIMIT_BYTES = 1024 * 1024
  @Transform(toBool) @IsBoolean() TRUST_PROXY = false
  /** nodes' data, backups and the generated secret key live below it */
  @IsString() @MinLength(1) QUIVER_DATA_DIR = '.data'
  /** base64 of 32 random bytes; encrypts cluster signing keys. Set it (the same) on every replica. */
  @IsOptional() @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes in base64 (openssl rand -base64 32)' })
  QUIVER_SECRET_KEY?: string
  @Transform(toInt) @IsInt() @Min(1) @Max(1440) DATA_ACCESS_TOKEN_TTL_MINUTES = 15
  @Transform(toInt) @IsInt() @Min(1000) @Max(3_600_000) RECONCILE_INTERVAL_MS = 5000
  /** how often expired backups are deleted (and backup schedules re-checked against their job schedulers) */
  @Transform(toInt) @IsInt() @Min(1000) @Max(86_400_000) BACKUP_RETENTION_INTERVAL_MS = 60_000
  /** a hybrid-cloud agent silent for this long shows as DISCONNECTED */
  @Transform(toInt) @IsInt() @Min(1) @Max(86400) AGENT_SILENCE_SECONDS = 30
  /** a hybrid environment's backup or restore fails when its agent has been silent this long */
  @Transform(toInt) @IsInt() @Min(1) @Max(7 * 24 * 60) AGENT_BACKUP_TIMEOUT_MINUTES = 60
  @IsOptional() @Matches(/^smtps?:\/\/[^/]+/, { message: 'must be an smtp:// or smtps:// URL' }) SMTP_URL?: string
  @IsString() @MinLength(3) SMTP_FROM = 'Quiver <no-reply@quiver.localhost>'
  @Transform(toInt) @IsInt() @Min(1) @Max(100) WORKER_CONCURRENCY = 5
  /** how often a failing job is tried before it gives up (a cluster then shows FAILED with the reason) */
  @Transform(toInt) @IsInt() @Min(1) @Max(50) JOB_ATTEMPTS = 8
  /** the node program the local provisioner starts (default: this repository's build) */
  @IsOptional() @IsString() QUIVER_NODE_ENTRY?: string
  /** how long a worker's hold on a job lasts without renewal: a crashed worker's job is retried after this */
  @Transform(toInt) @IsInt() @Min(1000) @Max(600_000) JOB_LOCK_MS = 30_000
  /** `npm start` runs the API and a worker in one process; `npm run start:worker` adds more workers. */
  @Transform(toBool) @IsBoolean() RUN_WORKER = true
  @IsOptional() @IsEmail() BOOTSTRAP_ADMIN_EMAIL?: string
  @IsOptional() @IsString() @MinLength(12) @MaxLength(256) BOOTSTRAP_ADMIN_PASSWORD?: string
}

const OPTIONAL = ['QUIVER_NODE_ENTRY', 'QUIVER_SECRET_KEY', 'SMTP_URL', 'BOOTSTRAP_ADMIN_EMAIL', 'BOOTSTRAP_ADMIN_PASSWORD']

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
}

/** Reads the known variables from `env` (unset or empty = default) and validates them. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const defaults = new Config()
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(defaults).concat(OPTIONAL)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const config = plainToInstance(Config, raw, { exposeDefaultValues: true })
  const errors = validateSync(config, { forbidUnknownValues: false })
  const problems = errors.map((e) => `${e.property}=${JSON.stringify(raw[e.property] ?? '')}: ${Object.values(e.constraints ?? {}).join('; ')}`)
  if (Boolean(config.BOOTSTRAP_ADMIN_EMAIL) !== Boolean(config.BOOTSTRAP_ADMIN_PASSWORD)) {
    problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together')
  }
  if (problems.length) throw new ConfigError(problems)
  return config
}
