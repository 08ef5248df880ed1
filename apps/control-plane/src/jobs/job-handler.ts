import { SetMetadata } from '@nestjs/common'
import type { Job } from 'bullmq'
import { JobName, JobPayloads } from './jobs'

export const HANDLES_JOB = 'quiver:handles-job'

/** A job processor; it must be idempotent, because a job is retried after a crash or an error. */
export interface JobHandler<N extends JobName> {
  handle(payload: JobPayloads[N], job: Job<JobPayloads[N]>): Promise<void>
}

export const HandlesJob = (name: JobName) => SetMetadata(HANDLES_JOB, name)
