import { Module } from '@nestjs/common'
import { PaymentInformationController } from './payment-information.controller'
import { PaymentInformationService } from './payment-information.service'

@Module({ controllers: [PaymentInformationController], providers: [PaymentInformationService] })
export class PaymentInformationModule {}
