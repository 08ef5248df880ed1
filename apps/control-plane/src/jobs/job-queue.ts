import { Injectable, OnApplicationShutdown } from '@nestjs/common'
import { JobsOptions, Queue } from 'bullmq'
import { Config } from '@quiver/common'
import { JobName, JobPayloads, QUEUE_NAME } from './jobs'

export function redisConnection(config: Config) {
  return { url: config.REDIS_URL, maxRetriesPerRequest: null }
}

/** Enqueues typed jobs; retried with exponential backoff unless the caller says otherwise. */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  readonly queue: Queue
  private readonly attempts: number

  constructor(config: Config) {
    this.attempts = config.JOB_ATTEMPTS
    this.queue = new Queue(QUEUE_NAME, { connection: redisConnection(config), prefix: config.REDIS_PREFIX })
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: JobsOptions = {}): Promise<void> {
    await this.queue.add(name, payload, {
      attempts: this.attempts,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
      ...options,
    })
  }

  async onApplicationShutdown() {
    await this.queue.close()
  }
}
