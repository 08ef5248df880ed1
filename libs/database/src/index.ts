export * from './prisma.service'
export * from './migrate/ensure-database'
export * from './migrate/migrator'
export * from './generated/prisma/client'
