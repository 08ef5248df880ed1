import { Injectable } from '@nestjs/common'
import { PrismaService } from '@quiver/database'
import { AgentIdentity } from './principal'
import { hashSecret } from './secrets'

/** An agent's credential (from its bootstrap token exchange) → its environment; each call is a sign of life. */
@Injectable()
export class AgentAuthenticator {
  constructor(private readonly prisma: PrismaService) {}

  async authenticate(credential: string): Promise<AgentIdentity | null> {
    const environment = await this.prisma.hybridCloudEnvironment.findUnique({
      where: { agentCredentialHash: hashSecret(credential) },
      select: { id: true, accountId: true },
    })
    if (!environment) return null
    await this.prisma.hybridCloudEnvironment.update({ where: { id: environment.id }, data: { lastSeenAt: new Date() } })
    return { environmentId: environment.id, accountId: environment.accountId }
  }
}
