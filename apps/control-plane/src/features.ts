import { AccountsModule } from './modules/accounts/accounts.module'
import { BackupsModule } from './modules/backups/backups.module'
import { ClustersModule } from './modules/clusters/clusters.module'
import { PaymentInformationModule } from './modules/payment-information/payment-information.module'
import { HybridCloudModule } from './modules/hybrid-cloud/hybrid-cloud.module'
import { ClusterAccessModule } from './modules/cluster-access/cluster-access.module'
import { AuthModule } from './modules/auth/auth.module'
import { InvitesModule } from './modules/invites/invites.module'
import { ManagementKeysModule } from './modules/management-keys/management-keys.module'
import { MeModule } from './modules/me/me.module'
import { MembersModule } from './modules/members/members.module'
import { PermissionsModule } from './modules/permissions/permissions.controller'
import { RolesModule } from './modules/roles/roles.module'

/** The feature modules, shared by the API (their routes) and the worker (their job handlers). */
export const FEATURE_MODULES = [
  PermissionsModule,
  AuthModule,
  MeModule,
  AccountsModule,
  RolesModule,
  MembersModule,
  InvitesModule,
  ManagementKeysModule,
  ClustersModule,
  ClusterAccessModule,
  BackupsModule,
  PaymentInformationModule,
  HybridCloudModule,
]
