import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger'
import { Type } from 'class-transformer'
import { IsEmail, IsIn, IsInt, IsISO31661Alpha2, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator'

export class AddressDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) line1: string
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) line2?: string
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) city: string
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(20) postalCode: string
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) region?: string
  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'DE' })
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as DE' })
  country: string
}

export class PaymentMethodDto {
  @ApiProperty({ enum: ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'sepa_debit'] })
  @IsIn(['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'sepa_debit'])
  brand: string

  @ApiProperty({ example: '4242' }) @Matches(/^\d{4}$/, { message: 'last4 must be exactly 4 digits' }) last4: string
  @ApiProperty() @IsInt() @Min(1) @Max(12) expMonth: number
  @ApiProperty() @IsInt() @Min(2000) @Max(2100) expYear: number

  @ApiProperty({ description: "the payment processor's opaque token for this method" })
  @IsString() @Matches(/^[A-Za-z0-9_-]{6,200}$/, { message: 'processorToken must be an opaque token (letters, digits, _ and -)' })
  processorToken: string
}

export class PaymentInformationDto {
  @ApiProperty() @IsEmail({}, { message: 'billingEmail must be an e-mail address' }) @MaxLength(254) billingEmail: string
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) companyName?: string
  @ApiProperty({ type: AddressDto }) @ValidateNested() @Type(() => AddressDto) address: AddressDto
  @ApiPropertyOptional({ description: 'EU VAT numbers are checked against their country format' })
  @IsOptional() @IsString() @MaxLength(40) taxId?: string
  @ApiPropertyOptional({ type: PaymentMethodDto, nullable: true })
  @IsOptional() @ValidateNested() @Type(() => PaymentMethodDto) paymentMethod?: PaymentMethodDto | null
}
