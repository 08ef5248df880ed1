import { Injectable, OnModuleDestroy } from '@nestjs/common'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from './generated/prisma/client'

/** The one Prisma client of a process; DatabaseModule builds it from the validated config. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(databaseUrl: string, maxConnections = 10) {
    super({ adapter: new PrismaPg({ connectionString: databaseUrl, max: maxConnections }) })
  }

  async onModuleDestroy() {
    await this.$disconnect()
  }
}
