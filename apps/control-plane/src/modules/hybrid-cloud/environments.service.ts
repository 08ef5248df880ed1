import { Injectable } from '@nestjs/common'
import { Config, conflict, notFound, Page, pageArgs, PageQuery, toPage, unauthorized } from '@quiver/common'
import { HybridCloudEnvironment, PrismaService } from '@quiver/database'
import { hashSecret, newSecret } from '../../auth/secrets'

@Injectable()
export class EnvironmentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: Config,
  ) {}

  view(e: HybridCloudEnvironment) {
    const silentFor = e.lastSeenAt ? Date.now() - e.lastSeenAt.getTime() : Infinity
    const status = !e.lastSeenAt ? 'PENDING' : silentFor <= this.config.AGENT_SILENCE_SECONDS * 1000 ? 'CONNECTED' : 'DISCONNECTED'
    return { id: e.id, accountId: e.accountId, name: e.name, status, lastSeenAt: e.lastSeenAt, createdAt: e.createdAt, updatedAt: e.updatedAt }
  }

  /** The bootstrap token is in this response only, with the command that starts an agent with it. */
  async create(accountId: string, name: string) {
    const bootstrapToken = newSecret('qvb')
    const environment = await this.prisma.hybridCloudEnvironment
      .create({ data: { accountId, name, bootstrapTokenHash: hashSecret(bootstrapToken) } })
      .catch((error) => {
        if ((error as { code?: string }).code === 'P2002') throw conflict(`An environment named "${name}" already exists`)
        throw error
      })
    const agentCommand =
      `QUIVER_AGENT_CONTROL_PLANE_URL=${this.config.PUBLIC_URL.replace(/\/$/, '')} QUIVER_AGENT_BOOTSTRAP_TOKEN=${bootstrapToken} ` +
      `QUIVER_AGENT_DATA_DIR=/var/lib/quiver-agent npm run start:agent`
    return { ...this.view(environment), bootstrapToken, agentCommand }
  }

  async list(accountId: string, query: PageQuery): Promise<Page<ReturnType<EnvironmentsService['view']>>> {
    const args = pageArgs(query)
    const rows = await this.prisma.hybridCloudEnvironment.findMany({ ...args, where: { ...args.where, accountId } })
    return toPage(rows, query, (e) => this.view(e))
  }

  async get(accountId: string, environmentId: string) {
    return this.view(await this.find(accountId, environmentId))
  }

  async rename(accountId: string, environmentId: string, name: string) {
    await this.find(accountId, environmentId)
    return this.view(await this.prisma.hybridCloudEnvironment.update({ where: { id: environmentId }, data: { name } }))
  }

  async delete(accountId: string, environmentId: string): Promise<void> {
    await this.find(accountId, environmentId)
    const clusters = await this.prisma.cluster.count({ where: { accountId, environmentId } })
    if (clusters) throw conflict(`The environment still has ${clusters} cluster(s); delete them first`)
    // backups being deleted go with it: their files stay on the agent's machine, which nothing reaches any more
    const backups = await this.prisma.backup.count({ where: { accountId, environmentId, status: { not: 'DELETING' } } })
    if (backups) throw conflict(`The environment's agent still keeps ${backups} backup(s); delete them first`)
    await this.prisma.hybridCloudEnvironment.deleteMany({ where: { id: environmentId, accountId } })
  }

  /** Exchanges a bootstrap token (once) for the agent's own credential. */
  async register(bootstrapToken: string) {
    const credential = newSecret('qva')
    const environment = await this.prisma.hybridCloudEnvironment.findUnique({ where: { bootstrapTokenHash: hashSecret(bootstrapToken) } })
    if (!environment) throw unauthorized('Unknown or already used bootstrap token')
    const taken = await this.prisma.hybridCloudEnvironment.updateMany({
      where: { id: environment.id, bootstrapTokenHash: hashSecret(bootstrapToken) },
      data: { bootstrapTokenHash: null, agentCredentialHash: hashSecret(credential), lastSeenAt: new Date() },
    })
    if (taken.count !== 1) throw unauthorized('Unknown or already used bootstrap token')
    return { environmentId: environment.id, credential }
  }

  async assertUsable(accountId: string, environmentId: string): Promise<void> {
    await this.find(accountId, environmentId)
  }

  private async find(accountId: string, environmentId: string): Promise<HybridCloudEnvironment> {
    const environment = await this.prisma.hybridCloudEnvironment.findFirst({ where: { id: environmentId, accountId } })
    if (!environment) throw notFound('Hybrid cloud environment')
    return environment
  }
}
