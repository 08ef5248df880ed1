// Every background job: its name and its payload type, in one map (STYLE.md §3).
export interface JobPayloads {
  /** E-mails an invite's accept link. */
  'invite.email': { accountId: string; inviteId: string; acceptUrl: string }
}

export type JobName = keyof JobPayloads

export const JOB_NAMES = ['invite.email'] as const satisfies readonly JobName[]
// a job added to JobPayloads but not to JOB_NAMES fails to compile here
const everyJobListed: Exclude<JobName, (typeof JOB_NAMES)[number]> extends never ? true : never = true
void everyJobListed

export const QUEUE_NAME = 'quiver'
