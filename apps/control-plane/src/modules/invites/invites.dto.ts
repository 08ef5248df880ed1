import { ApiProperty } from '@nestjs/swagger'
import { Transform } from 'class-transformer'
import { IsEmail, IsString, Matches, MaxLength } from 'class-validator'
import { RoleIdsDto } from '../roles/roles.dto'

export class CreateInviteDto extends RoleIdsDto {
  @ApiProperty({ example: 'grace@example.com' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'email must be an e-mail address' }) @MaxLength(254)
  email: string
}

export class InviteTokenDto {
  @ApiProperty({ description: 'the token from the invite e-mail' })
  @IsString() @Matches(/^qvi_[A-Za-z0-9_-]{20,100}$/, { message: 'token is not an invite token' })
  token: string
}
