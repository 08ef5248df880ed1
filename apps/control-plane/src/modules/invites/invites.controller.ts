import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import { PageQuery } from '@quiver/common'
import { RequirePermission, SessionOnly } from '../../auth/access.decorators'
import { AccountAccess, CurrentAccess, CurrentUser } from '../../auth/principal'
import { Idempotent } from '../../idempotency/idempotency.interceptor'
import { CreateInviteDto, InviteTokenDto } from './invites.dto'
import { InvitesService } from './invites.service'

type SessionUser = { userId: string; email: string }

@ApiTags('invites')
@Controller()
export class InvitesController {
  constructor(private readonly invites: InvitesService) {}

  @Get('accounts/:accountId/invites')
  @RequirePermission('read:invites')
  list(@Param('accountId') accountId: string, @Query() query: PageQuery) {
    return this.invites.list(accountId, query)
  }

  @Post('accounts/:accountId/invites')
  @RequirePermission('write:invites')
  @Idempotent()
  create(@CurrentAccess() access: AccountAccess, @Body() body: CreateInviteDto) {
    return this.invites.create(access, body.email, body.roleIds)
  }

  @Post('accounts/:accountId/invites/:inviteId/revoke')
  @HttpCode(200)
  @RequirePermission('write:invites')
  revoke(@Param('accountId') accountId: string, @Param('inviteId', ParseUUIDPipe) inviteId: string) {
    return this.invites.revoke(accountId, inviteId)
  }

  @Delete('accounts/:accountId/invites/:inviteId')
  @HttpCode(204)
  @RequirePermission('delete:invites')
  async delete(@Param('accountId') accountId: string, @Param('inviteId', ParseUUIDPipe) inviteId: string) {
    await this.invites.delete(accountId, inviteId)
  }

  @Get('me/invites')
  @SessionOnly()
  mine(@CurrentUser() user: SessionUser) {
    return this.invites.pendingFor(user.email)
  }

  @Post('invites/accept')
  @HttpCode(200)
  @SessionOnly()
  accept(@CurrentUser() user: SessionUser, @Body() body: InviteTokenDto) {
    return this.invites.accept(user, body.token)
  }

  @Post('invites/decline')
  @HttpCode(204)
  @SessionOnly()
  async decline(@CurrentUser() user: SessionUser, @Body() body: InviteTokenDto) {
    await this.invites.decline(user, body.token)
  }
}
