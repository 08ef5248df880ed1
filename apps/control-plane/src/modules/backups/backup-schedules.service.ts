import { Injectable } from '@nestjs/common'
import { conflict, notFound, Page, pageArgs, toPage } from '@quiver/common'
import { BackupSchedule, PrismaService } from '@quiver/database'
import { BackupSchedulers } from './backup-schedulers'
import { BackupScheduleView, scheduleView } from './backup-views'
import { CreateBackupScheduleDto, ListByClusterQuery, UpdateBackupScheduleDto } from './backups.dto'
import { checkCron } from './cron'

@Injectable()
export class BackupSchedulesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly schedulers: BackupSchedulers,
  ) {}

  async list(accountId: string, query: ListByClusterQuery): Promise<Page<BackupScheduleView>> {
    const args = pageArgs(query)
    const rows = await this.prisma.backupSchedule.findMany({
      ...args,
      where: { ...args.where, accountId, ...(query.clusterId ? { clusterId: query.clusterId } : {}) },
    })
    const now = new Date()
    return toPage(rows, query, (s) => scheduleView(s, now))
  }

  async get(accountId: string, scheduleId: string): Promise<BackupScheduleView> {
    return scheduleView(await this.find(accountId, scheduleId))
  }

  async create(accountId: string, clusterId: string, dto: CreateBackupScheduleDto): Promise<BackupScheduleView> {
    const cluster = await this.prisma.cluster.findFirst({ where: { id: clusterId, accountId } })
    if (!cluster) throw notFound('Cluster')
    if (cluster.status === 'DELETING') throw conflict('The cluster is being deleted')
    const timezone = dto.timezone ?? 'UTC'
    checkCron(dto.cron, timezone)
    const schedule = await this.prisma.backupSchedule.create({
      data: { accountId, clusterId, cron: dto.cron, timezone, retentionDays: dto.retentionDays, enabled: dto.enabled ?? true },
    })
    try {
      await this.schedulers.apply(schedule)
    } catch (error) {
      await this.prisma.backupSchedule.deleteMany({ where: { id: schedule.id, accountId } })
      throw error
    }
    return scheduleView(schedule)
  }

  async update(accountId: string, scheduleId: string, dto: UpdateBackupScheduleDto): Promise<BackupScheduleView> {
    const current = await this.find(accountId, scheduleId)
    const next = { cron: dto.cron ?? current.cron, timezone: dto.timezone ?? current.timezone }
    if (dto.cron !== undefined || dto.timezone !== undefined) checkCron(next.cron, next.timezone)
    if (dto.enabled) {
      const cluster = await this.prisma.cluster.findFirst({ where: { id: current.clusterId, accountId } })
      if (cluster?.status === 'DELETING') throw conflict('The cluster is being deleted')
    }
    const updated = await this.prisma.backupSchedule.update({
      where: { id: current.id, accountId },
      data: { ...next, retentionDays: dto.retentionDays, enabled: dto.enabled },
    })
    await this.schedulers.apply(updated)
    return scheduleView(updated)
  }

  /** Stops the job scheduler first: a schedule that is gone never fires again. Its backups stay until they expire. */
  async delete(accountId: string, scheduleId: string): Promise<void> {
    const schedule = await this.find(accountId, scheduleId)
    await this.schedulers.remove(schedule.id)
    await this.prisma.backupSchedule.deleteMany({ where: { id: schedule.id, accountId } })
  }

  private async find(accountId: string, scheduleId: string): Promise<BackupSchedule> {
    const schedule = await this.prisma.backupSchedule.findFirst({ where: { id: scheduleId, accountId } })
    if (!schedule) throw notFound('Backup schedule')
    return schedule
  }
}
