import { Body, CallHandler, Controller, Delete, ExecutionContext, Get, HttpCode, Injectable, NestInterceptor, Param, Put, Query, UseInterceptors } from '@nestjs/common'
import { ApiTags } from '@nestjs/swagger'
import type { FastifyRequest } from 'fastify'
import { PageQuery } from '@quiver/common'
import { RequirePermission } from '../../auth/access.decorators'
import { AccountAccess, CurrentAccess } from '../../auth/principal'
import { assertNoCardData } from './card-data'
import { PaymentInformationDto } from './payment-information.dto'
import { PaymentInformationService } from './payment-information.service'

/** Runs before validation, so card data is refused before any other message could mention it. */
@Injectable()
class RejectCardData implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    assertNoCardData(context.switchToHttp().getRequest<FastifyRequest>().body)
    return next.handle()
  }
}

@ApiTags('payment information')
@Controller('accounts/:accountId/payment-information')
@UseInterceptors(RejectCardData)
export class PaymentInformationController {
  constructor(private readonly payment: PaymentInformationService) {}

  @Get()
  @RequirePermission('read:payment_information')
  get(@Param('accountId') accountId: string) {
    return this.payment.get(accountId)
  }

  @Put()
  @RequirePermission('write:payment_information')
  put(@CurrentAccess() access: AccountAccess, @Body() body: PaymentInformationDto) {
    return this.payment.put(access.accountId, access.principal, body)
  }

  @Delete('payment-method')
  @HttpCode(204)
  @RequirePermission('write:payment_information')
  async deleteMethod(@CurrentAccess() access: AccountAccess) {
    await this.payment.deleteMethod(access.accountId, access.principal)
  }

  @Get('changes')
  @RequirePermission('read:payment_information')
  changes(@Param('accountId') accountId: string, @Query() query: PageQuery) {
    return this.payment.changes(accountId, query)
  }
}
