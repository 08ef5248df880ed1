import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import { PageQuery } from '@quiver/common'
import { AgentOnly, Public, RequirePermission } from '../../auth/access.decorators'
import { AgentIdentity, CurrentAgent } from '../../auth/principal'
import { Idempotent } from '../../idempotency/idempotency.interceptor'
import { AgentSyncService } from './agent-sync.service'
import { EnvironmentsService } from './environments.service'
import { AgentReportDto, BootstrapTokenDto, EnvironmentNameDto } from './hybrid-cloud.dto'

@ApiTags('hybrid cloud environments')
@Controller('accounts/:accountId/hybrid-cloud-environments')
export class EnvironmentsController {
  constructor(private readonly environments: EnvironmentsService) {}

  @Get()
  @RequirePermission('read:hybrid_cloud_environments')
  list(@Param('accountId') accountId: string, @Query() query: PageQuery) {
    return this.environments.list(accountId, query)
  }

  @Get(':environmentId')
  @RequirePermission('read:hybrid_cloud_environments')
  get(@Param('accountId') accountId: string, @Param('environmentId', ParseUUIDPipe) environmentId: string) {
    return this.environments.get(accountId, environmentId)
  }

  @Post()
  @RequirePermission('write:hybrid_cloud_environments')
  @Idempotent({ secretFields: ['bootstrapToken', 'agentCommand'] })
  create(@Param('accountId') accountId: string, @Body() body: EnvironmentNameDto) {
    return this.environments.create(accountId, body.name)
  }

  @Patch(':environmentId')
  @RequirePermission('write:hybrid_cloud_environments')
  rename(@Param('accountId') accountId: string, @Param('environmentId', ParseUUIDPipe) environmentId: string, @Body() body: EnvironmentNameDto) {
    return this.environments.rename(accountId, environmentId, body.name)
  }

  @Delete(':environmentId')
  @HttpCode(204)
  @RequirePermission('delete:hybrid_cloud_environments')
  async delete(@Param('accountId') accountId: string, @Param('environmentId', ParseUUIDPipe) environmentId: string) {
    await this.environments.delete(accountId, environmentId)
  }
}

/** What agents call; they only ever connect outbound, to these routes. */
@ApiTags('hybrid cloud agent')
@Controller('agent')
export class AgentController {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly sync: AgentSyncService,
  ) {}

  @Post('register')
  @HttpCode(200)
  @Public() // the bootstrap token in the body is the credential
  register(@Body() body: BootstrapTokenDto) {
    return this.environments.register(body.bootstrapToken)
  }

  @Post('heartbeat')
  @HttpCode(200)
  @AgentOnly()
  heartbeat(@CurrentAgent() agent: AgentIdentity) {
    return this.sync.desired(agent)
  }

  @Post('clusters/:clusterId/report')
  @HttpCode(204)
  @AgentOnly()
  async report(@CurrentAgent() agent: AgentIdentity, @Param('clusterId', ParseUUIDPipe) clusterId: string, @Body() body: AgentReportDto) {
    await this.sync.report(agent, clusterId, body)
  }
}
