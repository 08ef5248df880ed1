import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import { AgentOnly } from '../../auth/access.decorators'
import { AgentIdentity, CurrentAgent } from '../../auth/principal'
import { AgentBackupReportDto, AgentRestoreReportDto } from './agent-backups.dto'
import { AgentBackupReports } from './agent-backup-reports.service'

/** Where agents report the backup work their heartbeat handed them (always outbound, like every agent call). */
@ApiTags('hybrid cloud agent')
@Controller('agent')
export class AgentBackupsController {
  constructor(private readonly reports: AgentBackupReports) {}

  @Post('backups/:backupId/report')
  @HttpCode(204)
  @AgentOnly()
  async backup(@CurrentAgent() agent: AgentIdentity, @Param('backupId', ParseUUIDPipe) backupId: string, @Body() body: AgentBackupReportDto) {
    await this.reports.backup(agent, backupId, body)
  }

  @Post('backups/:backupId/deleted')
  @HttpCode(204)
  @AgentOnly()
  async deleted(@CurrentAgent() agent: AgentIdentity, @Param('backupId', ParseUUIDPipe) backupId: string) {
    await this.reports.deleted(agent, backupId)
  }

  @Post('restores/:restoreId/report')
  @HttpCode(204)
  @AgentOnly()
  async restore(@CurrentAgent() agent: AgentIdentity, @Param('restoreId', ParseUUIDPipe) restoreId: string, @Body() body: AgentRestoreReportDto) {
    await this.reports.restore(agent, restoreId, body)
  }
}
