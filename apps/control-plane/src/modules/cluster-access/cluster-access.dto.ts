import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger'
import { Type } from 'class-transformer'
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator'

export class DataAccessTokenDto {
  @ApiProperty({ enum: ['r', 'm'], description: 'r: read (read:cluster_data), m: manage (write:cluster_data)' })
  @IsIn(['r', 'm'], { message: 'access must be "r" or "m"' })
  access: 'r' | 'm'
}

export class AccessRuleDto {
  @ApiProperty({ enum: ['global', 'collection'] })
  @IsIn(['global', 'collection'], { message: 'type must be "global" or "collection"' })
  type: 'global' | 'collection'

  @ApiPropertyOptional({ description: 'a collection name or a glob such as "tenant_42_*" (collection rules)' })
  @ValidateIf((r) => r.type === 'collection') @IsString() @IsNotEmpty() @MaxLength(255)
  collection?: string

  @ApiProperty({ enum: ['r', 'm', 'rw', 'prw'], description: 'global: r|m; collection: r|rw|prw' })
  @IsString()
  access: string

  @ApiPropertyOptional({ description: 'collection rules: only points whose payload has these values', example: { tenant: 'acme' } })
  @IsOptional() @IsObject()
  payload?: Record<string, unknown>
}

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100)
  name: string

  @ApiPropertyOptional({ default: 90, nullable: true, description: 'null: never expires' })
  @IsOptional() @IsInt() @Min(1) @Max(3650)
  expiresInDays?: number | null

  @ApiPropertyOptional({ type: [AccessRuleDto], description: 'none: global manage, as in Qdrant Cloud' })
  @IsOptional() @IsArray() @ArrayMaxSize(20, { message: 'accessRules may hold at most 20 rules' })
  @ValidateNested({ each: true }) @Type(() => AccessRuleDto)
  accessRules?: AccessRuleDto[]
}
