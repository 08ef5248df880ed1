import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CronExpressionParser } from 'cron-parser'
import { JobQueue } from '../apps/control-plane/src/jobs/job-queue'
import { BackupCreateHandler } from '../apps/control-plane/src/modules/backups/backup-create.handler'
import { backupsPath, fireScheduleOccurrence, schedulesPath, waitForBackup } from './support/backups'
import { clusterPath, createHealthyCluster, dataAccessToken, qdrant, waitForCluster } from './support/clusters'
import { startControlPlane, TestControlPlane } from './support/control-plane'
import { until } from './support/polling'
import { signUp, TestUser } from './support/users'

let cp: TestControlPlane
let queue: JobQueue['queue']
before(async () => {
  cp = await startControlPlane({ BACKUP_RETENTION_INTERVAL_MS: '1000' }, { worker: true })
  queue = cp.app.get(JobQueue).queue
})
after(() => cp.close())

const schedulerOf = (scheduleId: string) => queue.getJobScheduler(`backup-schedule:${scheduleId}`)
const createSchedule = (owner: TestUser, clusterId: string, body: unknown) =>
  cp.http.post(`/api/v1/accounts/${owner.accountId}/clusters/${clusterId}/backup-schedules`, body, { token: owner.token })


const fireOccurrence = (scheduleId: string) => fireScheduleOccurrence(queue, scheduleId)

describe('backup schedules', () => {
  let owner: TestUser
  let cluster: { id: string }
  before(async () => {
    owner = await signUp(cp.http)
    cluster = await createHealthyCluster(cp.http, owner)
    const { token, endpoint } = await dataAccessToken(cp.http, owner, cluster.id, 'm')
    await qdrant(endpoint.url, token).createCollection('items', { vectors: { size: 2, distance: 'Dot' } })
  })

  it('refuses invalid cron expressions and time zones with a 400 naming the problem', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ cron: '61 * * * *', retentionDays: 7 }, 'cron', /61/],
      [{ cron: '* * *', retentionDays: 7 }, 'cron', /exactly 5 fields/],
      [{ cron: '0 0 * * * *', retentionDays: 7 }, 'cron', /exactly 5 fields.*got 6/],
      [{ cron: '@reboot', retentionDays: 7 }, 'cron', /unknown macro/],
      [{ cron: 'every day', retentionDays: 7 }, 'cron', /exactly 5 fields/],
      [{ cron: '0 0 30 2 *', retentionDays: 7 }, 'cron', /not a valid cron expression/],
      [{ cron: '0 3 * * *', timezone: 'Mars/Olympus', retentionDays: 7 }, 'timezone', /unknown time zone "Mars\/Olympus"/],
      [{ cron: '', retentionDays: 7 }, 'cron', /.+/],
      [{ cron: '0 3 * * *' }, 'retentionDays', /.+/],
      [{ cron: '0 3 * * *', retentionDays: 400 }, 'retentionDays', /.+/],
      [{ cron: '0 3 * * *', retentionDays: 7, enabled: 'yes' }, 'enabled', /.+/],
      [{ cron: '0 3 * * *', retentionDays: 7, extra: 1 }, 'extra', /.+/],
    ]
    for (const [body, field, message] of cases) {
      const res = await createSchedule(owner, cluster.id, body)
      assert.equal(res.status, 400, JSON.stringify(body))
      const error = res.body.errors.find((e: { field: string }) => e.field === field)
      assert.ok(error, `${JSON.stringify(body)}: ${JSON.stringify(res.body.errors)}`)
      assert.match(error.message, message)
    }
    assert.equal((await createSchedule(owner, crypto.randomUUID(), { cron: '@daily', retentionDays: 1 })).status, 404)
    assert.deepEqual((await cp.http.get(schedulesPath(owner), { token: owner.token })).body.items, [])
  })

  it('is a BullMQ job scheduler with its cron and time zone; nextRunAt is its next occurrence', async () => {
    const res = await createSchedule(owner, cluster.id, { cron: '30 2 * * 1-5', timezone: 'America/New_York', retentionDays: 2 })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    const schedule = res.body
    assert.equal(schedule.clusterId, cluster.id)
    assert.equal(schedule.enabled, true)
    assert.equal(schedule.lastRunAt, null)
    const expected = CronExpressionParser.parse('30 2 * * 1-5', { tz: 'America/New_York' }).next().toDate()
    assert.equal(schedule.nextRunAt, expected.toISOString())
    assert.equal(new Date(schedule.nextRunAt).getUTCMinutes(), 30)

    const scheduler = await schedulerOf(schedule.id)
    assert.equal(scheduler?.pattern, '30 2 * * 1-5')
    assert.equal(scheduler?.tz, 'America/New_York')
    assert.equal(scheduler?.name, 'backup.create')
    assert.equal(scheduler?.next, expected.getTime())
    assert.deepEqual(scheduler?.template?.data, { accountId: owner.accountId, scheduleId: schedule.id })

    const listed = await cp.http.get(`${schedulesPath(owner)}?clusterId=${cluster.id}`, { token: owner.token })
    assert.deepEqual(listed.body.items.map((s: { id: string }) => s.id), [schedule.id])
    assert.equal((await cp.http.get(schedulesPath(owner, schedule.id), { token: owner.token })).body.cron, '30 2 * * 1-5')
    await cp.http.delete(schedulesPath(owner, schedule.id), { token: owner.token })
  })

  it('follows updates: a new cron moves the scheduler, disabling removes it, enabling brings it back', async () => {
    const { body: schedule } = await createSchedule(owner, cluster.id, { cron: '@hourly', retentionDays: 1 })
    assert.equal(schedule.timezone, 'UTC')
    const patched = await cp.http.patch(schedulesPath(owner, schedule.id), { cron: '@weekly', timezone: 'Asia/Tokyo' }, { token: owner.token })
    assert.equal(patched.status, 200, JSON.stringify(patched.body))
    assert.equal(patched.body.nextRunAt, CronExpressionParser.parse('@weekly', { tz: 'Asia/Tokyo' }).next().toDate().toISOString())
    assert.equal((await schedulerOf(schedule.id))?.pattern, '@weekly')
    assert.equal((await schedulerOf(schedule.id))?.tz, 'Asia/Tokyo')

    const bad = await cp.http.patch(schedulesPath(owner, schedule.id), { cron: '* * * * * *' }, { token: owner.token })
    assert.equal(bad.status, 400)
    assert.equal((await schedulerOf(schedule.id))?.pattern, '@weekly', 'a refused update changes nothing')

    const disabled = await cp.http.patch(schedulesPath(owner, schedule.id), { enabled: false }, { token: owner.token })
    assert.equal(disabled.body.enabled, false)
    assert.equal(disabled.body.nextRunAt, null)
    assert.equal(await schedulerOf(schedule.id), undefined)
    const enabled = await cp.http.patch(schedulesPath(owner, schedule.id), { enabled: true, retentionDays: 9 }, { token: owner.token })
    assert.equal(enabled.body.retentionDays, 9)
    assert.equal((await schedulerOf(schedule.id))?.pattern, '@weekly')
    await cp.http.delete(schedulesPath(owner, schedule.id), { token: owner.token })
  })

  it('an occurrence makes one backup with the schedule\'s retention, even when its job runs twice; lastRunAt shows it', async () => {
    const { body: schedule } = await createSchedule(owner, cluster.id, { cron: '*/5 * * * *', retentionDays: 3 })
    const jobId = await fireOccurrence(schedule.id)
    const made = await until(
      () => cp.prisma.backup.findUnique({ where: { jobId } }),
      (b) => b?.status === 'SUCCEEDED',
    )
    assert.equal(made?.status, 'SUCCEEDED', made?.statusReason ?? undefined)
    const backup = (await cp.http.get(backupsPath(owner, made!.id), { token: owner.token })).body
    assert.equal(backup.scheduleId, schedule.id)
    assert.equal(backup.retentionDays, 3)
    assert.deepEqual(backup.collections.map((c: { name: string }) => c.name), ['items'])
    const updated = (await cp.http.get(schedulesPath(owner, schedule.id), { token: owner.token })).body
    assert.ok(updated.lastRunAt && Date.parse(updated.lastRunAt) <= Date.parse(backup.createdAt) + 1000)

    const fired = Number(jobId.split(':').pop())
    const next = await until(() => schedulerOf(schedule.id), (s) => (s?.next ?? 0) > fired)
    assert.ok(next!.next! > fired, 'the scheduler goes on to its next occurrence')
    assert.equal(await (await queue.getJob(`repeat:backup-schedule:${schedule.id}:${next!.next}`))?.getState(), 'delayed')

    // the same occurrence handled again (a retry after a crash): no second backup
    const job = (await queue.getJob(jobId))!
    await cp.app.get(BackupCreateHandler).handle(job.data, job)
    assert.equal(await cp.prisma.backup.count({ where: { scheduleId: schedule.id } }), 1)
    await cp.http.delete(schedulesPath(owner, schedule.id), { token: owner.token })
  })

  it('comes back when Redis lost its scheduler, and a scheduler whose schedule is gone removes itself', async () => {
    const { body: schedule } = await createSchedule(owner, cluster.id, { cron: '0 4 * * *', timezone: 'Europe/Paris', retentionDays: 5 })
    await queue.removeJobScheduler(`backup-schedule:${schedule.id}`)
    const restored = await until(() => schedulerOf(schedule.id), Boolean)
    assert.equal(restored?.pattern, '0 4 * * *')
    assert.equal(restored?.tz, 'Europe/Paris')

    const stray = crypto.randomUUID()
    await queue.upsertJobScheduler(`backup-schedule:${stray}`, { pattern: '0 5 * * *', tz: 'UTC' }, { name: 'backup.create', data: { accountId: owner.accountId, scheduleId: stray } })
    assert.equal(await until(() => schedulerOf(stray), (s) => s === undefined), undefined)
    await cp.http.delete(schedulesPath(owner, schedule.id), { token: owner.token })
  })

  it('deleting a schedule stops its scheduler and keeps its backups', async () => {
    const { body: schedule } = await createSchedule(owner, cluster.id, { cron: '@daily', retentionDays: 1 })
    const jobId = await fireOccurrence(schedule.id)
    const made = await until(() => cp.prisma.backup.findUnique({ where: { jobId } }), (b) => b?.status === 'SUCCEEDED')
    assert.equal((await cp.http.delete(schedulesPath(owner, schedule.id), { token: owner.token })).status, 204)
    assert.equal(await schedulerOf(schedule.id), undefined)
    assert.equal((await cp.http.get(schedulesPath(owner, schedule.id), { token: owner.token })).status, 404)
    const kept = await waitForBackup(cp.http, owner, made!.id, (b) => b.status === 'SUCCEEDED')
    assert.equal(kept.scheduleId, null)
  })

  it('a deleted cluster\'s schedules stop', async () => {
    const other = await createHealthyCluster(cp.http, owner)
    const { body: schedule } = await createSchedule(owner, other.id, { cron: '@daily', retentionDays: 1 })
    assert.ok(await schedulerOf(schedule.id))
    await cp.http.delete(clusterPath(owner, other.id), { token: owner.token })
    await waitForCluster(cp.http, owner, other.id, 'GONE')
    assert.equal(await until(() => schedulerOf(schedule.id), (s) => s === undefined), undefined)
    assert.equal((await cp.http.get(schedulesPath(owner, schedule.id), { token: owner.token })).status, 404)
  })
})
