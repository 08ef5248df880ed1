import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger'
import { Transform } from 'class-transformer'
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator'

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value)

export class CreateRoleDto {
  @ApiProperty({ maxLength: 100 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name: string

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional() @IsString() @MaxLength(500)
  description?: string

  @ApiProperty({ type: [String], example: ['read:clusters', 'write:backups'], description: 'write:X also grants read:X' })
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true })
  permissions: string[]
}

export class UpdateRoleDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional() @IsString() @MaxLength(500)
  description?: string

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true })
  permissions?: string[]
}

export class DuplicateRoleDto {
  @ApiProperty({ maxLength: 100 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name: string
}

export class RoleIdsDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'custom roles and Admin' })
  @IsArray() @ArrayMaxSize(100) @IsUUID('all', { each: true, message: 'roleIds must contain role ids (UUIDs)' })
  roleIds: string[]
}
