// npm run migrate -- create <name> [--empty] | deploy | status | check | resolve --applied|--rolled-back <name>
import { ensureDatabase } from './ensure-database'
import { Migrator } from './migrator'

const USAGE = 'usage: migrate create <name> [--empty] | deploy | status | check | resolve --applied|--rolled-back <migration>'

async function run(migrator: Migrator, command: string | undefined, args: string[]): Promise<number> {
  const name = args.find((a) => !a.startsWith('--'))
  switch (command) {
    case 'create': {
      if (!name) throw new Error(USAGE)
      const dir = await migrator.create(name, args.includes('--empty'))
      console.log(dir ? `Created ${dir}/migration.sql` : 'No schema changes, no migration created.')
      return 0
    }
    case 'deploy': {
      const applied = await migrator.deploy()
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.')
      return 0
    }
    case 'status': {
      const status = await migrator.status()
      console.log(JSON.stringify(status, null, 2))
      return status.inSync ? 0 : 1
    }
    case 'check': {
      const missing = await migrator.drift()
      if (missing === null) {
        console.log('Migrations match schema.prisma.')
        return 0
      }
      console.error(`schema.prisma and prisma/migrations differ; run "npm run migrate -- create <name>". Missing SQL:\n${missing}`)
      return 2
    }
    case 'resolve': {
      const as = args.includes('--applied') ? 'applied' : args.includes('--rolled-back') ? 'rolled-back' : undefined
      if (!name || !as) throw new Error(USAGE)
      await migrator.resolve(name, as)
      return 0
    }
    default:
      throw new Error(USAGE)
  }
}

async function main() {
  const [command, ...args] = process.argv.slice(2)
  const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/quiver'
  await ensureDatabase(url)
  const migrator = await Migrator.open(url)
  try {
    process.exitCode = await run(migrator, command, args)
  } finally {
    await migrator.close()
  }
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
  .finally(() => process.exit()) // the engine leaves a timer armed after applyMigrations
