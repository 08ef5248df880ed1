import { Body, Controller, Get, HttpCode, Put } from '@nestjs/common'
import { ApiProperty, ApiTags } from '@nestjs/swagger'
import { IsUUID } from 'class-validator'
import { RequirePermission, SessionOnly } from '../../auth/access.decorators'
import { CurrentUser } from '../../auth/principal'
import { MeService } from './me.service'

class DefaultAccountDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  accountId: string
}

@ApiTags('me')
@Controller('me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @RequirePermission('read:profile')
  profile(@CurrentUser() user: { userId: string }) {
    return this.me.profile(user.userId)
  }

  @Put('default-account')
  @HttpCode(200)
  @SessionOnly()
  setDefaultAccount(@CurrentUser() user: { userId: string }, @Body() body: DefaultAccountDto) {
    return this.me.setDefaultAccount(user.userId, body.accountId)
  }
}
