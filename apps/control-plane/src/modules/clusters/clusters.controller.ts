import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import { PageQuery } from '@quiver/common'
import { RequirePermission } from '../../auth/access.decorators'
import { Idempotent } from '../../idempotency/idempotency.interceptor'
import { CreateClusterDto, RotateSigningKeyDto, UpdateClusterDto } from './clusters.dto'
import { ClustersService } from './clusters.service'

@ApiTags('clusters')
@Controller('accounts/:accountId/clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Get()
  @RequirePermission('read:clusters')
  list(@Param('accountId') accountId: string, @Query() query: PageQuery) {
    return this.clusters.list(accountId, query)
  }

  @Get(':clusterId')
  @RequirePermission('read:clusters')
  get(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string) {
    return this.clusters.get(accountId, clusterId)
  }

  @Post()
  @HttpCode(202)
  @RequirePermission('write:clusters')
  @Idempotent()
  create(@Param('accountId') accountId: string, @Body() body: CreateClusterDto) {
    return this.clusters.create(accountId, body)
  }

  @Patch(':clusterId')
  @HttpCode(202)
  @RequirePermission('write:clusters')
  update(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string, @Body() body: UpdateClusterDto) {
    return this.clusters.update(accountId, clusterId, body)
  }

  @Post(':clusterId/restart')
  @HttpCode(202)
  @RequirePermission('write:clusters')
  restart(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string) {
    return this.clusters.apply(accountId, clusterId, 'restart')
  }

  @Post(':clusterId/suspend')
  @HttpCode(202)
  @RequirePermission('write:clusters')
  suspend(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string) {
    return this.clusters.apply(accountId, clusterId, 'suspend')
  }

  @Post(':clusterId/resume')
  @HttpCode(202)
  @RequirePermission('write:clusters')
  resume(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string) {
    return this.clusters.apply(accountId, clusterId, 'resume')
  }

  @Post(':clusterId/rotate-signing-key')
  @HttpCode(202)
  @RequirePermission('write:clusters')
  rotate(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string, @Body() body: RotateSigningKeyDto) {
    return this.clusters.rotateSigningKey(accountId, clusterId, body.gracePeriodMinutes ?? 24 * 60)
  }

  @Delete(':clusterId')
  @HttpCode(202)
  @RequirePermission('delete:clusters')
  delete(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string) {
    return this.clusters.apply(accountId, clusterId, 'delete')
  }
}
