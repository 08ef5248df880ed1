import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common'
import type { FastifyReply } from 'fastify'
import { ApiAcceptedResponse, ApiBody, ApiNoContentResponse, ApiTags } from '@nestjs/swagger'
import { RequirePermission } from '../../auth/access.decorators'
import { Idempotent } from '../../idempotency/idempotency.interceptor'
import { CreateBackupDto, ListByClusterQuery, RestoreBackupDto } from './backups.dto'
import { BackupsService } from './backups.service'
import { OptionalBody } from './optional-body'

@ApiTags('backups')
@Controller('accounts/:accountId')
export class BackupsController {
  constructor(private readonly backups: BackupsService) {}

  @Get('backups')
  @RequirePermission('read:backups')
  list(@Param('accountId') accountId: string, @Query() query: ListByClusterQuery) {
    return this.backups.list(accountId, query)
  }

  @Get('backups/:backupId')
  @RequirePermission('read:backups')
  get(@Param('accountId') accountId: string, @Param('backupId', ParseUUIDPipe) backupId: string) {
    return this.backups.get(accountId, backupId)
  }

  @Post('clusters/:clusterId/backups')
  @HttpCode(202)
  @RequirePermission('write:backups')
  @Idempotent()
  @ApiBody({ type: CreateBackupDto, required: false })
  create(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string, @OptionalBody() body: CreateBackupDto) {
    return this.backups.create(accountId, clusterId, body)
  }

  @Post('backups/:backupId/restore')
  @HttpCode(202)
  @RequirePermission('write:backups', 'write:clusters')
  @ApiBody({ type: RestoreBackupDto, required: false })
  restore(@Param('accountId') accountId: string, @Param('backupId', ParseUUIDPipe) backupId: string, @OptionalBody() body: RestoreBackupDto) {
    return this.backups.restore(accountId, backupId, body)
  }

  /** 204 when the backup is gone; 202 with it DELETING while a hybrid environment's agent removes its files. */
  @Delete('backups/:backupId')
  @RequirePermission('delete:backups')
  @ApiNoContentResponse({ description: 'deleted with its files' })
  @ApiAcceptedResponse({ description: "DELETING until the hybrid environment's agent confirms it removed the files" })
  async delete(@Param('accountId') accountId: string, @Param('backupId', ParseUUIDPipe) backupId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const deleting = await this.backups.delete(accountId, backupId)
    reply.status(deleting ? 202 : 204)
    return deleting ?? undefined
  }
}
