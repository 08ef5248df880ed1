import { Injectable, Logger, Module } from '@nestjs/common'
import { Config } from '@quiver/common'
import { BackupSchedule, PrismaService } from '@quiver/database'
import { JobQueue } from '../../jobs/job-queue'

const PREFIX = 'backup-schedule:'
export const schedulerId = (scheduleId: string) => `${PREFIX}${scheduleId}`

type ScheduleFields = Pick<BackupSchedule, 'id' | 'accountId' | 'cron' | 'timezone' | 'enabled'>

/**
 * Each enabled backup schedule is a BullMQ job scheduler: Redis holds its next occurrence, so it
 * survives restarts, and an occurrence is one job with its own id, so several workers never run it
 * twice. PostgreSQL stays the truth: `sync` puts the schedulers back in step with it.
 */
@Injectable()
export class BackupSchedulers {
  private readonly logger = new Logger('BackupSchedulers')

  constructor(
    private readonly jobs: JobQueue,
    private readonly prisma: PrismaService,
    private readonly config: Config,
  ) {}

  /** Upserts the schedule's job scheduler when it is enabled, removes it otherwise. */
  async apply(schedule: ScheduleFields): Promise<void> {
    if (!schedule.enabled) return this.remove(schedule.id)
    await this.jobs.queue.upsertJobScheduler(
      schedulerId(schedule.id),
      { pattern: schedule.cron, tz: schedule.timezone },
      {
        name: 'backup.create',
        data: { accountId: schedule.accountId, scheduleId: schedule.id },
        opts: { attempts: this.config.JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
      },
    )
  }

  async remove(scheduleId: string): Promise<void> {
    await this.jobs.queue.removeJobScheduler(schedulerId(scheduleId))
  }

  /**
   * A cluster being deleted stops its schedules at once (their rows go with the cluster). Call it
   * from the cluster delete path; the retention job's `sync` catches any that slip through.
   */
  async stopForCluster(accountId: string, clusterId: string): Promise<void> {
    const schedules = await this.prisma.backupSchedule.findMany({ where: { accountId, clusterId }, select: { id: true } })
    await this.prisma.backupSchedule.updateMany({ where: { accountId, clusterId }, data: { enabled: false } })
    for (const { id } of schedules) await this.remove(id)
  }

  /** Upserts the scheduler of every enabled schedule that lacks one or differs; removes those of schedules disabled or gone. */
  async sync(): Promise<{ upserted: number; removed: number }> {
    const schedules = await this.prisma.backupSchedule.findMany({
      where: { enabled: true, cluster: { status: { notIn: ['DELETING'] } } },
      select: { id: true, accountId: true, cron: true, timezone: true, enabled: true },
    })
    const wanted = new Map(schedules.map((s) => [schedulerId(s.id), s]))
    const existing = (await this.jobs.queue.getJobSchedulers(0, -1)).filter((s) => s.key.startsWith(PREFIX))
    let removed = 0
    for (const scheduler of existing) {
      if (wanted.has(scheduler.key)) continue
      await this.jobs.queue.removeJobScheduler(scheduler.key)
      removed++
    }
    let upserted = 0
    for (const [key, schedule] of wanted) {
      const current = existing.find((s) => s.key === key)
      if (current && current.pattern === schedule.cron && (current.tz ?? 'UTC') === schedule.timezone) continue
      await this.apply(schedule)
      upserted++
    }
    if (removed || upserted) this.logger.warn(`job schedulers out of step with backup schedules: ${upserted} upserted, ${removed} removed`)
    return { upserted, removed }
  }
}

/** Only the scheduler wiring, so that the clusters module can stop a deleted cluster's schedules without a cycle. */
@Module({ providers: [BackupSchedulers], exports: [BackupSchedulers] })
export class BackupSchedulersModule {}
