import { Module, OnApplicationBootstrap, Logger } from '@nestjs/common'
import { AccountsModule } from '../accounts/accounts.module'
import { AuthController } from './auth.controller'
import { AuthService } from './auth.service'
import { LoginRateLimiter } from './login-rate-limiter'

@Module({
  imports: [AccountsModule],
  controllers: [AuthController],
  providers: [AuthService, LoginRateLimiter],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(private readonly auth: AuthService) {}

  async onApplicationBootstrap() {
    if (await this.auth.bootstrapAdmin()) new Logger('AuthModule').warn('created the bootstrap administrator')
  }
}
