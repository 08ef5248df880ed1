import { ApiProperty } from '@nestjs/swagger'
import { Transform } from 'class-transformer'
import { IsEmail, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator'

const normalizeEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(normalizeEmail) @IsEmail({}, { message: 'email must be an e-mail address' }) @MaxLength(254)
  email: string

  @ApiProperty({ minLength: 1, maxLength: 256 })
  @IsString() @IsNotEmpty() @MaxLength(256)
  password: string
}

export class SignupDto extends LoginDto {
  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString() @MinLength(12, { message: 'password must be at least 12 characters long' }) @MaxLength(256)
  declare password: string

  @ApiProperty({ maxLength: 100, example: 'Ada Lovelace' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @IsNotEmpty() @MaxLength(100)
  name: string
}

export interface UserView {
  id: string
  email: string
  name: string
  createdAt: Date
}

export function userView(u: UserView): UserView {
  return { id: u.id, email: u.email, name: u.name, createdAt: u.createdAt }
}
