import { Injectable } from '@nestjs/common'
import { hash, verify } from '@node-rs/argon2'
import { Config, conflict, forbidden, unauthorized } from '@quiver/common'
import { PrismaService } from '@quiver/database'
import { SessionsService } from '../../auth/sessions.service'
import { AccountsService } from '../accounts/accounts.service'
import { LoginDto, SignupDto, userView } from './auth.dto'
import { LoginRateLimiter } from './login-rate-limiter'

const ARGON2ID = 2 // @node-rs/argon2 Algorithm.Argon2id (a const enum, not importable under isolated builds)

@Injectable()
export class AuthService {
  // verified against when the e-mail is unknown, so timing does not tell which e-mails exist
  private readonly decoyHash = hash('quiver-decoy-password', { algorithm: ARGON2ID })

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: Config,
    private readonly sessions: SessionsService,
    private readonly accounts: AccountsService,
    private readonly rateLimiter: LoginRateLimiter,
  ) {}

  hashPassword(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID })
  }

  async signup(dto: SignupDto) {
    if (!this.config.SIGNUP_ENABLED) throw forbidden('Sign-up is disabled on this installation')
    const passwordHash = await this.hashPassword(dto.password)
    const { user, account } = await this.prisma.$transaction(async (tx) => {
      const existing = await tx.user.findUnique({ where: { email: dto.email }, select: { id: true } })
      if (existing) throw conflict('An account with this e-mail already exists')
      const user = await tx.user.create({ data: { email: dto.email, name: dto.name, passwordHash } })
      const account = await this.accounts.create(user.id, `${dto.name}'s account`, tx)
      return { user, account }
    })
    const session = await this.sessions.open(user.id)
    return { user: userView(user), account, token: session.token, expiresAt: session.expiresAt }
  }

  async login(dto: LoginDto, ip: string) {
    await this.rateLimiter.attempt(dto.email, ip)
    const user = await this.prisma.user.findUnique({ where: { email: dto.email } })
    const valid = await verify(user?.passwordHash ?? (await this.decoyHash), dto.password)
    if (!user || !valid) throw unauthorized('Wrong e-mail or password')
    await this.rateLimiter.succeeded(dto.email)
    const session = await this.sessions.open(user.id)
    return { token: session.token, expiresAt: session.expiresAt, user: userView(user) }
  }

  logout(sessionId: string): Promise<void> {
    return this.sessions.revoke(sessionId)
  }

  /** BOOTSTRAP_ADMIN_*: the first user of an empty installation, with a personal account. */
  async bootstrapAdmin(): Promise<boolean> {
    const { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password } = this.config
    if (!email || !password || (await this.prisma.user.count()) > 0) return false
    const passwordHash = await this.hashPassword(password)
    try {
      await this.prisma.$transaction(async (tx) => {
        const user = await tx.user.create({ data: { email: email.toLowerCase(), name: 'Administrator', passwordHash } })
        await this.accounts.create(user.id, 'Administrator', tx)
      })
      return true
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return false // another replica or the worker was first
      throw error
    }
  }
}
