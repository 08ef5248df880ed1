import { conflict } from '@quiver/common'

export type ClusterStatus = 'CREATING' | 'HEALTHY' | 'UPDATING' | 'SUSPENDING' | 'SUSPENDED' | 'DELETING' | 'FAILED'
export type ClusterAction = 'scale' | 'restart' | 'suspend' | 'resume' | 'delete' | 'rename' | 'rotate-key'

/** The statuses from which each action may start; anything else is 409. */
const ALLOWED_FROM: Record<ClusterAction, readonly ClusterStatus[]> = {
  rename: ['CREATING', 'HEALTHY', 'UPDATING', 'SUSPENDING', 'SUSPENDED', 'FAILED'],
  scale: ['HEALTHY', 'FAILED'],
  restart: ['HEALTHY', 'FAILED'],
  suspend: ['HEALTHY', 'FAILED'],
  resume: ['SUSPENDED'],
  'rotate-key': ['HEALTHY', 'FAILED'],
  delete: ['CREATING', 'HEALTHY', 'UPDATING', 'SUSPENDING', 'SUSPENDED', 'FAILED', 'DELETING'],
}

/** The transitional status an action puts the cluster in. */
export const STATUS_AFTER: Record<Exclude<ClusterAction, 'rename'>, ClusterStatus> = {
  scale: 'UPDATING',
  restart: 'UPDATING',
  suspend: 'SUSPENDING',
  resume: 'UPDATING',
  'rotate-key': 'UPDATING',
  delete: 'DELETING',
}

export function assertTransition(status: ClusterStatus, action: ClusterAction): void {
  if (!ALLOWED_FROM[action].includes(status)) {
    throw conflict(`A cluster that is ${status} cannot ${action === 'scale' ? 'be scaled or resized' : action}; wait until it is ${ALLOWED_FROM[action].join(' or ')}`)
  }
}
