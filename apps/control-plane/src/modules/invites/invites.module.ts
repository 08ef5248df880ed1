import { Module } from '@nestjs/common'
import { RolesModule } from '../roles/roles.module'
import { InviteEmailHandler } from './invite-email.handler'
import { InvitesController } from './invites.controller'
import { InvitesService } from './invites.service'

@Module({
  imports: [RolesModule],
  controllers: [InvitesController],
  providers: [InvitesService, InviteEmailHandler],
})
export class InvitesModule {}
