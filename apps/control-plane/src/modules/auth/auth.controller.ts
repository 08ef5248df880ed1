import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import type { FastifyRequest } from 'fastify'
import { Public, SessionOnly } from '../../auth/access.decorators'
import { CurrentUser } from '../../auth/principal'
import { LoginDto, SignupDto } from './auth.dto'
import { AuthService } from './auth.service'

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  @Public()
  signup(@Body() body: SignupDto) {
    return this.auth.signup(body)
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    return this.auth.login(body, request.ip)
  }

  @Post('logout')
  @HttpCode(204)
  @SessionOnly()
  async logout(@CurrentUser() user: { sessionId: string }) {
    await this.auth.logout(user.sessionId)
  }
}
