import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common'
import { DiscoveryService } from '@nestjs/core'
import { Job, Worker } from 'bullmq'
import { Config } from '@quiver/common'
import { HANDLES_JOB, JobHandler } from './job-handler'
import { redisConnection } from './job-queue'
import { JOB_NAMES, JOB_SCHEDULES, JobName, QUEUE_NAME } from './jobs'
import { JobQueue } from './job-queue'

/** Finds the handlers at boot (exactly one per job name, or start-up fails) and runs the queue. */
@Injectable()
export class JobWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('JobWorker')
  private worker?: Worker

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: Config,
    private readonly jobs: JobQueue,
  ) {}

  async onApplicationBootstrap() {
    const handlers = this.findHandlers()
    this.worker = new Worker(
      QUEUE_NAME,
      async (job: Job) => {
        const handler = handlers.get(job.name as JobName)
        if (!handler) throw new Error(`no handler for job ${job.name}`)
        await handler.handle(job.data, job)
      },
      {
        connection: redisConnection(this.config),
        prefix: this.config.REDIS_PREFIX,
        concurrency: this.config.WORKER_CONCURRENCY,
        lockDuration: this.config.JOB_LOCK_MS,
        stalledInterval: this.config.JOB_LOCK_MS,
      },
    )
    for (const schedule of JOB_SCHEDULES) {
      // upserting is idempotent: any number of workers keep exactly one scheduler per job
      await this.jobs.queue.upsertJobScheduler(schedule.name, { every: schedule.everyMs(this.config) }, { name: schedule.name, data: {} })
    }
    this.worker.on('failed', (job, error) =>
      this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`),
    )
  }

  private findHandlers(): Map<JobName, JobHandler<JobName>> {
    const handlers = new Map<JobName, JobHandler<JobName>>()
    for (const wrapper of this.discovery.getProviders()) {
      const name = wrapper.metatype && Reflect.getMetadata(HANDLES_JOB, wrapper.metatype)
      if (!name) continue
      if (handlers.has(name)) throw new Error(`two handlers for job ${name}`)
      handlers.set(name, wrapper.instance)
    }
    const missing = JOB_NAMES.filter((n) => !handlers.has(n))
    if (missing.length) throw new Error(`no handler for job(s): ${missing.join(', ')}`)
    return handlers
  }

  async onApplicationShutdown() {
    await this.worker?.close()
  }
}
