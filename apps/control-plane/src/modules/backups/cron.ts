import { CronExpressionParser } from 'cron-parser'
import { invalidField } from '@quiver/common'

const MACROS = ['@hourly', '@daily', '@weekly']
const FIELDS = ['minute', 'hour', 'day of month', 'month', 'day of week']

/** An IANA time zone name this runtime knows ("UTC", "Europe/Paris"), or 400 naming the field. */
export function checkTimeZone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone })
  } catch {
    throw invalidField('timezone', `unknown time zone ${JSON.stringify(timezone)}; use an IANA name such as "UTC" or "Europe/Paris"`)
  }
}

/**
 * A schedule's cron: five fields (minute hour day-of-month month day-of-week) or @hourly/@daily/@weekly.
 * BullMQ reads it with the same parser, so what passes here is what the job scheduler runs.
 */
export function checkCron(cron: string, timezone: string): void {
  checkTimeZone(timezone)
  const expression = cron.trim()
  if (expression.startsWith('@')) {
    if (!MACROS.includes(expression)) throw invalidField('cron', `unknown macro ${expression}; use five fields or one of ${MACROS.join(', ')}`)
    return
  }
  const fields = expression.split(/\s+/)
  if (fields.length !== 5) {
    throw invalidField('cron', `needs exactly 5 fields (${FIELDS.join(', ')}), got ${fields.length}`)
  }
  try {
    CronExpressionParser.parse(expression, { tz: timezone, strict: false }).next()
  } catch (error) {
    throw invalidField('cron', `${JSON.stringify(cron)} is not a valid cron expression: ${(error as Error).message}`)
  }
}

/** The first occurrence strictly after `after`, in the schedule's time zone. */
export function nextRun(cron: string, timezone: string, after: Date = new Date()): Date {
  return CronExpressionParser.parse(cron.trim(), { tz: timezone, currentDate: after }).next().toDate()
}
