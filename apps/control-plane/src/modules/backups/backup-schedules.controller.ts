import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import { RequirePermission } from '../../auth/access.decorators'
import { Idempotent } from '../../idempotency/idempotency.interceptor'
import { BackupSchedulesService } from './backup-schedules.service'
import { CreateBackupScheduleDto, ListByClusterQuery, UpdateBackupScheduleDto } from './backups.dto'

@ApiTags('backup schedules')
@Controller('accounts/:accountId')
export class BackupSchedulesController {
  constructor(private readonly schedules: BackupSchedulesService) {}

  @Get('backup-schedules')
  @RequirePermission('read:backup_schedules')
  list(@Param('accountId') accountId: string, @Query() query: ListByClusterQuery) {
    return this.schedules.list(accountId, query)
  }

  @Get('backup-schedules/:scheduleId')
  @RequirePermission('read:backup_schedules')
  get(@Param('accountId') accountId: string, @Param('scheduleId', ParseUUIDPipe) scheduleId: string) {
    return this.schedules.get(accountId, scheduleId)
  }

  @Post('clusters/:clusterId/backup-schedules')
  @RequirePermission('write:backup_schedules')
  @Idempotent()
  create(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string, @Body() body: CreateBackupScheduleDto) {
    return this.schedules.create(accountId, clusterId, body)
  }

  @Patch('backup-schedules/:scheduleId')
  @RequirePermission('write:backup_schedules')
  update(@Param('accountId') accountId: string, @Param('scheduleId', ParseUUIDPipe) scheduleId: string, @Body() body: UpdateBackupScheduleDto) {
    return this.schedules.update(accountId, scheduleId, body)
  }

  @Delete('backup-schedules/:scheduleId')
  @HttpCode(204)
  @RequirePermission('delete:backup_schedules')
  async delete(@Param('accountId') accountId: string, @Param('scheduleId', ParseUUIDPipe) scheduleId: string) {
    await this.schedules.delete(accountId, scheduleId)
  }
}
