export * from './collection-entries'
export * from './node-snapshots'
export * from './restore-backup'
export * from './take-backup'
