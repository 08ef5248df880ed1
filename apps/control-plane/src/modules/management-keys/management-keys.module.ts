import { Module } from '@nestjs/common'
import { RolesModule } from '../roles/roles.module'
import { ManagementKeysController } from './management-keys.controller'
import { ManagementKeysService } from './management-keys.service'

@Module({ imports: [RolesModule], controllers: [ManagementKeysController], providers: [ManagementKeysService] })
export class ManagementKeysModule {}
