export * from './cluster-provisioner'
export * from './local-provisioner'
