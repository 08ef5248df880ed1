import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import { PageQuery } from '@quiver/common'
import { AccountMember, AccountOwner, Authenticated, RequirePermission, SessionOnly } from '../../auth/access.decorators'
import { AccountAccess, actingUserId, CurrentAccess, CurrentPrincipal, CurrentUser, Principal } from '../../auth/principal'
import { Idempotent } from '../../idempotency/idempotency.interceptor'
import { AccountNameDto, TransferOwnershipDto } from './accounts.dto'
import { AccountsService } from './accounts.service'

@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @Authenticated()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery) {
    if (principal.kind === 'management-key') return { items: [await this.accounts.get(principal.accountId)], nextCursor: null }
    return this.accounts.listForUser(principal.userId, query)
  }

  @Post()
  @SessionOnly()
  @Idempotent()
  create(@CurrentUser() user: { userId: string }, @Body() body: AccountNameDto) {
    return this.accounts.create(user.userId, body.name)
  }

  @Get(':accountId')
  @RequirePermission('read:account')
  get(@Param('accountId') accountId: string) {
    return this.accounts.get(accountId)
  }

  @Patch(':accountId')
  @RequirePermission('write:account')
  rename(@Param('accountId') accountId: string, @Body() body: AccountNameDto) {
    return this.accounts.rename(accountId, body.name)
  }

  @Delete(':accountId')
  @HttpCode(202)
  @RequirePermission('delete:account')
  async delete(@Param('accountId') accountId: string) {
    await this.accounts.delete(accountId)
    return { id: accountId, status: 'DELETING' }
  }

  @Post(':accountId/leave')
  @HttpCode(204)
  @AccountMember()
  async leave(@CurrentAccess() access: AccountAccess) {
    await this.accounts.leave(access.accountId, actingUserId(access))
  }

  @Post(':accountId/transfer-ownership')
  @HttpCode(200)
  @AccountOwner()
  transfer(@CurrentAccess() access: AccountAccess, @Body() body: TransferOwnershipDto) {
    return this.accounts.transferOwnership(access.accountId, actingUserId(access), body.userId)
  }
}
