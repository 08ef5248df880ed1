import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import { PageQuery } from '@quiver/common'
import { RequirePermission } from '../../auth/access.decorators'
import { AccountAccess, CurrentAccess } from '../../auth/principal'
import { Idempotent } from '../../idempotency/idempotency.interceptor'
import { ApiKeysService } from './api-keys.service'
import { CreateApiKeyDto, DataAccessTokenDto } from './cluster-access.dto'
import { DataAccessService } from './data-access.service'

@ApiTags('cluster data access')
@Controller('accounts/:accountId/clusters/:clusterId')
export class ClusterAccessController {
  constructor(
    private readonly dataAccess: DataAccessService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post('data-access-token')
  @HttpCode(201)
  @RequirePermission('read:cluster_data') // and write:cluster_data for access "m", checked with the body
  token(@CurrentAccess() access: AccountAccess, @Param('clusterId', ParseUUIDPipe) clusterId: string, @Body() body: DataAccessTokenDto) {
    return this.dataAccess.mint(access, clusterId, body.access)
  }

  @Get('api-keys')
  @RequirePermission('read:api_keys')
  list(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string, @Query() query: PageQuery) {
    return this.apiKeys.list(accountId, clusterId, query)
  }

  @Post('api-keys')
  @RequirePermission('write:api_keys')
  @Idempotent({ secretFields: ['key'] })
  create(@Param('accountId') accountId: string, @Param('clusterId', ParseUUIDPipe) clusterId: string, @Body() body: CreateApiKeyDto) {
    return this.apiKeys.create(accountId, clusterId, body)
  }

  @Post('api-keys/:keyId/reissue')
  @HttpCode(201)
  @RequirePermission('write:api_keys')
  reissue(
    @Param('accountId') accountId: string,
    @Param('clusterId', ParseUUIDPipe) clusterId: string,
    @Param('keyId', ParseUUIDPipe) keyId: string,
  ) {
    return this.apiKeys.reissue(accountId, clusterId, keyId)
  }

  @Delete('api-keys/:keyId')
  @HttpCode(204)
  @RequirePermission('delete:api_keys')
  async revoke(
    @Param('accountId') accountId: string,
    @Param('clusterId', ParseUUIDPipe) clusterId: string,
    @Param('keyId', ParseUUIDPipe) keyId: string,
  ) {
    await this.apiKeys.revoke(accountId, clusterId, keyId)
  }
}
