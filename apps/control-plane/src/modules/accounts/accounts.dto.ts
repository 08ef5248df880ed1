import { ApiProperty } from '@nestjs/swagger'
import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator'
import { Transform } from 'class-transformer'

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value)

export class AccountNameDto {
  @ApiProperty({ maxLength: 100, example: 'Acme search team' })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name: string
}

export class TransferOwnershipDto {
  @ApiProperty({ format: 'uuid', description: 'a member of the account' })
  @IsUUID()
  userId: string
}

export interface AccountView {
  id: string
  name: string
  ownerId: string
  createdAt: Date
  updatedAt: Date
}

export function accountView(a: AccountView): AccountView {
  return { id: a.id, name: a.name, ownerId: a.ownerId, createdAt: a.createdAt, updatedAt: a.updatedAt }
}
