import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger'
import { Transform, Type } from 'class-transformer'
import { IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator'

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value)

export class ClusterResourcesDto {
  @ApiPropertyOptional({ minimum: 0.5, maximum: 64, default: 1, description: 'CPU cores per node' })
  @IsOptional() @IsNumber() @Min(0.5) @Max(64)
  cpu?: number

  @ApiPropertyOptional({ minimum: 1, maximum: 512, default: 1, description: 'memory per node, GiB' })
  @IsOptional() @IsInt() @Min(1) @Max(512)
  memoryGb?: number

  @ApiPropertyOptional({ minimum: 1, maximum: 16384, default: 10, description: 'disk per node, GiB' })
  @IsOptional() @IsInt() @Min(1) @Max(16384)
  diskGb?: number
}

export class CreateClusterDto {
  @ApiProperty({ maxLength: 63, example: 'products-search' })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(63)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, { message: 'name may contain letters, digits, spaces, _ . and -' })
  name: string

  @ApiPropertyOptional({ minimum: 1, maximum: 16, default: 1 })
  @IsOptional() @IsInt() @Min(1) @Max(16)
  nodes?: number

  @ApiPropertyOptional({ type: ClusterResourcesDto })
  @IsOptional() @ValidateNested() @Type(() => ClusterResourcesDto)
  resources?: ClusterResourcesDto

  @ApiPropertyOptional({ format: 'uuid', description: "run it in this hybrid cloud environment, by the environment's agent" })
  @IsOptional() @IsUUID()
  environmentId?: string

  @ApiPropertyOptional({ format: 'uuid', description: 'a SUCCEEDED backup (also of a deleted cluster) restored into the new cluster before it is HEALTHY' })
  @IsOptional() @IsUUID('all', { message: 'fromBackupId must be a UUID' })
  fromBackupId?: string
}

export class UpdateClusterDto {
  @ApiPropertyOptional({ maxLength: 63 })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(63)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, { message: 'name may contain letters, digits, spaces, _ . and -' })
  name?: string

  @ApiPropertyOptional({ minimum: 1, maximum: 16 })
  @IsOptional() @IsInt() @Min(1) @Max(16)
  nodes?: number

  @ApiPropertyOptional({ type: ClusterResourcesDto })
  @IsOptional() @ValidateNested() @Type(() => ClusterResourcesDto)
  resources?: ClusterResourcesDto
}

export class RotateSigningKeyDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 43200, default: 1440, description: 'how long the previous key stays valid, minutes' })
  @IsOptional() @IsInt() @Min(1) @Max(43200)
  gracePeriodMinutes?: number
}
