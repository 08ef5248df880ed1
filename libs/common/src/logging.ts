import { LoggerService } from '@nestjs/common'
import pino, { Logger } from 'pino'

export function createLogger(level: string, name: string): Logger {
  return pino({ level, name, base: { pid: process.pid } })
}

/** Nest's logger interface on top of pino, so framework and application share one structured log. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, context?: string) {
    this.pino.info({ context }, String(message))
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, trace }, String(message))
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message))
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message))
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message))
  }
}
