import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger'
import { Type } from 'class-transformer'
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator'
import { badRequest, invalidField } from '@quiver/common'
import { keySegments } from '@quiver/backup-store'
import { CollectionEntry } from '@quiver/cluster-backup'

/** A collection stored by the agent (`key`, `sizeBytes`, `checksum`), or a snapshot it started (`snapshot`). */
export class ReportedCollectionDto {
  @ApiProperty() @IsInt() @Min(0) @Max(64) node: number
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(255) name: string
  @ApiPropertyOptional({ description: "where the agent's backup store keeps it" }) @IsOptional() @IsString() @MinLength(1) @MaxLength(1000) key?: string
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) sizeBytes?: number
  @ApiPropertyOptional({ description: 'sha256, lowercase hex' }) @IsOptional() @Matches(/^[0-9a-f]{64}$/, { message: 'checksum must be a sha256 in lowercase hex' }) checksum?: string
  @ApiPropertyOptional({ description: 'a snapshot started on the node and not stored yet' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(255) snapshot?: string
}

export class AgentBackupReportDto {
  @ApiProperty({ enum: ['RUNNING', 'SUCCEEDED', 'FAILED'] }) @IsIn(['RUNNING', 'SUCCEEDED', 'FAILED'])
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED'

  @ApiProperty({ type: [ReportedCollectionDto], description: 'metadata only: the vectors stay with the agent' })
  @IsArray() @ArrayMaxSize(10_000) @ValidateNested({ each: true }) @Type(() => ReportedCollectionDto)
  collections: ReportedCollectionDto[]

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string
}

export class AgentRestoreReportDto {
  @ApiProperty({ enum: ['RUNNING', 'SUCCEEDED', 'FAILED'] }) @IsIn(['RUNNING', 'SUCCEEDED', 'FAILED'])
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED'

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string
  @ApiPropertyOptional({ description: 'a stored file failed its checksum: the backup is never restored again' }) @IsOptional() @IsBoolean() damaged?: boolean
}

/**
 * Each entry is exactly one of the two shapes; a SUCCEEDED backup holds stored collections only, each
 * under this backup's own prefix in the agent's store (so deleting another backup cannot take its files).
 */
export function collectionEntries(backupId: string, report: AgentBackupReportDto): CollectionEntry[] {
  return report.collections.map((c, i) => {
    if (c.key !== undefined && !isKeyOf(backupId, c.key)) throw invalidField(`collections.${i}.key`, `must be a backup store key below ${backupId}/`)
    const stored = c.key !== undefined && c.sizeBytes !== undefined && c.checksum !== undefined
    if (stored && c.snapshot === undefined) return { node: c.node, name: c.name, key: c.key!, sizeBytes: c.sizeBytes!, checksum: c.checksum! }
    const started = c.snapshot !== undefined && c.key === undefined && c.sizeBytes === undefined && c.checksum === undefined
    if (started && report.status !== 'SUCCEEDED') return { node: c.node, name: c.name, snapshot: c.snapshot! }
    throw badRequest(`collections.${i}: a stored collection has key, sizeBytes and checksum; a started one only snapshot (and only while RUNNING)`, [
      { field: `collections.${i}`, message: 'is neither a stored collection nor a started snapshot' },
    ])
  })
}

function isKeyOf(backupId: string, key: string): boolean {
  try {
    return keySegments(key)[0] === backupId && key.includes('/')
  } catch {
    return false
  }
}
