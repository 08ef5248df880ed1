import { Controller, Get, Module } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import { CATALOGUE } from '@quiver/permissions'
import { Authenticated } from '../../auth/access.decorators'

@ApiTags('permissions')
@Controller('permissions')
export class PermissionsController {
  @Get()
  @Authenticated()
  list() {
    return CATALOGUE
  }
}

@Module({ controllers: [PermissionsController] })
export class PermissionsModule {}
