import { Injectable } from '@nestjs/common'
import { PrismaService } from '@quiver/database'
import { HandlesJob, JobHandler } from '../../jobs/job-handler'
import { JobPayloads } from '../../jobs/jobs'
import { Mailer } from '../../mail/mailer'

@Injectable()
@HandlesJob('invite.email')
export class InviteEmailHandler implements JobHandler<'invite.email'> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly mailer: Mailer,
  ) {}

  async handle({ accountId, inviteId, acceptUrl }: JobPayloads['invite.email']): Promise<void> {
    const invite = await this.prisma.invite.findFirst({
      where: { id: inviteId, accountId },
      include: { account: { select: { name: true } } },
    })
    // revoked, answered or deleted meanwhile: nothing to send
    if (!invite || invite.status !== 'PENDING' || invite.expiresAt <= new Date()) return
    const inviter = invite.invitedById
      ? await this.prisma.user.findUnique({ where: { id: invite.invitedById }, select: { name: true } })
      : null
    await this.mailer.send({
      to: invite.email,
      subject: `You are invited to ${invite.account.name} on Quiver`,
      text: [
        `${inviter?.name ?? 'Someone'} invited you to join the account "${invite.account.name}" on Quiver.`,
        '',
        `Accept the invite (sign in with ${invite.email}): ${acceptUrl}`,
        '',
        `The invite expires on ${invite.expiresAt.toISOString()}. If you did not expect it, ignore this e-mail.`,
      ].join('\n'),
    })
  }
}
