import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import { PageQuery } from '@quiver/common'
import { RequirePermission } from '../../auth/access.decorators'
import { AccountAccess, CurrentAccess } from '../../auth/principal'
import { RoleIdsDto } from '../roles/roles.dto'
import { MembersService } from './members.service'

@ApiTags('members')
@Controller('accounts/:accountId/users')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @RequirePermission('read:users')
  list(@Param('accountId') accountId: string, @Query() query: PageQuery) {
    return this.members.list(accountId, query)
  }

  @Get(':userId')
  @RequirePermission('read:users')
  get(@Param('accountId') accountId: string, @Param('userId', ParseUUIDPipe) userId: string) {
    return this.members.get(accountId, userId)
  }

  @Delete(':userId')
  @HttpCode(204)
  @RequirePermission('delete:users')
  async remove(@Param('accountId') accountId: string, @Param('userId', ParseUUIDPipe) userId: string) {
    await this.members.remove(accountId, userId)
  }

  @Put(':userId/roles')
  @RequirePermission('write:roles')
  replaceRoles(@CurrentAccess() access: AccountAccess, @Param('userId', ParseUUIDPipe) userId: string, @Body() body: RoleIdsDto) {
    return this.members.replaceRoles(access, userId, body.roleIds)
  }
}
