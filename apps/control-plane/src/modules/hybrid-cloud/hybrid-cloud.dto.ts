import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger'
import { Transform, Type } from 'class-transformer'
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator'

export class EnvironmentNameDto {
  @ApiProperty({ maxLength: 100, example: 'frankfurt-dc-1' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @IsNotEmpty() @MaxLength(100)
  name: string
}

export class BootstrapTokenDto {
  @ApiProperty() @IsString() @Matches(/^qvb_[A-Za-z0-9_-]{20,100}$/, { message: 'bootstrapToken is not a bootstrap token' })
  bootstrapToken: string
}

export class ReportedNodeDto {
  @ApiProperty() @IsInt() @Min(0) @Max(64) ordinal: number
  @ApiProperty() @IsInt() @Min(1) @Max(65535) port: number
  @ApiProperty() @IsUrl({ require_tld: false, require_protocol: true }) url: string
}

export class AgentReportDto {
  @ApiProperty({ description: 'the cluster generation this state answers' }) @IsInt() @Min(1) generation: number
  @ApiProperty({ enum: ['RUNNING', 'STOPPED', 'DESTROYED', 'FAILED'] }) @IsIn(['RUNNING', 'STOPPED', 'DESTROYED', 'FAILED'])
  state: 'RUNNING' | 'STOPPED' | 'DESTROYED' | 'FAILED'

  @ApiProperty({ type: [ReportedNodeDto] }) @IsArray() @ArrayMaxSize(64) @ValidateNested({ each: true }) @Type(() => ReportedNodeDto)
  nodes: ReportedNodeDto[]

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string
}
