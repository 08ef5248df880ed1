import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger'
import { Transform } from 'class-transformer'
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator'
import { PageQuery } from '@quiver/common'

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value)

export const DEFAULT_RETENTION_DAYS = 7

export class ListByClusterQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'only those of this cluster (also a deleted one, for backups)' })
  @IsOptional() @IsUUID('all', { message: 'clusterId must be a UUID' })
  clusterId?: string
}

export class CreateBackupDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 365, default: DEFAULT_RETENTION_DAYS, description: 'days until the backup is deleted' })
  @IsOptional() @IsInt() @Min(1) @Max(365)
  retentionDays?: number
}

export class RestoreBackupDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "the cluster to restore into (default: the backup's own); its collections become exactly those of the backup",
  })
  @IsOptional() @IsUUID('all', { message: 'clusterId must be a UUID' })
  clusterId?: string
}

export class CreateBackupScheduleDto {
  @ApiProperty({ example: '0 3 * * *', description: 'five fields (minute hour day-of-month month day-of-week), or @hourly, @daily, @weekly' })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  cron: string

  @ApiPropertyOptional({ default: 'UTC', example: 'Europe/Paris', description: 'IANA time zone the cron is read in' })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(64)
  timezone?: string

  @ApiProperty({ minimum: 1, maximum: 365, description: "days each of the schedule's backups is kept" })
  @IsInt() @Min(1) @Max(365)
  retentionDays: number

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean
}

export class UpdateBackupScheduleDto {
  @ApiPropertyOptional({ example: '0 3 * * *' })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  cron?: string

  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(64)
  timezone?: string

  @ApiPropertyOptional({ minimum: 1, maximum: 365, description: 'applies to backups made from now on' })
  @IsOptional() @IsInt() @Min(1) @Max(365)
  retentionDays?: number

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  enabled?: boolean
}
