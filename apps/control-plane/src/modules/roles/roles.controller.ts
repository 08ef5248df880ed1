import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import { PageQuery } from '@quiver/common'
import { RequirePermission } from '../../auth/access.decorators'
import { AccountAccess, CurrentAccess } from '../../auth/principal'
import { Idempotent } from '../../idempotency/idempotency.interceptor'
import { CreateRoleDto, DuplicateRoleDto, UpdateRoleDto } from './roles.dto'
import { RolesService } from './roles.service'

@ApiTags('roles')
@Controller('accounts/:accountId/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @RequirePermission('read:roles')
  list(@Param('accountId') accountId: string, @Query() query: PageQuery) {
    return this.roles.list(accountId, query)
  }

  @Get(':roleId')
  @RequirePermission('read:roles')
  get(@Param('accountId') accountId: string, @Param('roleId', ParseUUIDPipe) roleId: string) {
    return this.roles.get(accountId, roleId)
  }

  @Post()
  @RequirePermission('write:roles')
  @Idempotent()
  create(@CurrentAccess() access: AccountAccess, @Body() body: CreateRoleDto) {
    return this.roles.create(access, body)
  }

  @Patch(':roleId')
  @RequirePermission('write:roles')
  update(@CurrentAccess() access: AccountAccess, @Param('roleId', ParseUUIDPipe) roleId: string, @Body() body: UpdateRoleDto) {
    return this.roles.update(access, roleId, body)
  }

  @Post(':roleId/duplicate')
  @RequirePermission('write:roles')
  @Idempotent()
  duplicate(@CurrentAccess() access: AccountAccess, @Param('roleId', ParseUUIDPipe) roleId: string, @Body() body: DuplicateRoleDto) {
    return this.roles.duplicate(access, roleId, body.name)
  }

  @Delete(':roleId')
  @HttpCode(204)
  @RequirePermission('delete:roles')
  async delete(@Param('accountId') accountId: string, @Param('roleId', ParseUUIDPipe) roleId: string) {
    await this.roles.delete(accountId, roleId)
  }
}
