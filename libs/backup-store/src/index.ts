export * from './backup-store'
export * from './local-backup-store'
