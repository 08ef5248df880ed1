import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common'
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger'
import { Transform } from 'class-transformer'
import { IsDate, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator'
import { PageQuery } from '@quiver/common'
import { RequirePermission } from '../../auth/access.decorators'
import { AccountAccess, CurrentAccess } from '../../auth/principal'
import { Idempotent } from '../../idempotency/idempotency.interceptor'
import { RoleIdsDto } from '../roles/roles.dto'
import { ManagementKeysService } from './management-keys.service'

const toDate = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)) ? new Date(value) : value

class CreateManagementKeyDto extends RoleIdsDto {
  @ApiProperty({ maxLength: 100, example: 'terraform' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name: string

  @ApiPropertyOptional({ format: 'date-time', description: 'never expires when omitted' })
  @IsOptional() @Transform(toDate) @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: Date
}

@ApiTags('management keys')
@Controller('accounts/:accountId/management-keys')
export class ManagementKeysController {
  constructor(private readonly keys: ManagementKeysService) {}

  @Get()
  @RequirePermission('read:management_keys')
  list(@Param('accountId') accountId: string, @Query() query: PageQuery) {
    return this.keys.list(accountId, query)
  }

  @Post()
  @RequirePermission('write:management_keys')
  @Idempotent({ secretFields: ['key'] })
  create(@CurrentAccess() access: AccountAccess, @Body() body: CreateManagementKeyDto) {
    return this.keys.create(access, body.name, body.roleIds, body.expiresAt)
  }

  @Delete(':keyId')
  @HttpCode(204)
  @RequirePermission('delete:management_keys')
  async delete(@Param('accountId') accountId: string, @Param('keyId', ParseUUIDPipe) keyId: string) {
    await this.keys.delete(accountId, keyId)
  }
}
