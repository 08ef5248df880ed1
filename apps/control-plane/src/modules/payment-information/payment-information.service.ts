import { Injectable } from '@nestjs/common'
import { invalidField, notFound, Page, pageArgs, PageQuery, toPage } from '@quiver/common'
import { PaymentInformation, Prisma, PrismaService } from '@quiver/database'
import { Principal } from '../../auth/principal'
import { PaymentInformationDto } from './payment-information.dto'
import { checkTaxId } from './tax-id'

type StoredMethod = { brand: string; last4: string; expMonth: number; expYear: number; processorToken: string }

function view(info: PaymentInformation | null) {
  if (!info) return null
  const method = info.paymentMethod as StoredMethod | null
  return {
    billingEmail: info.billingEmail,
    companyName: info.companyName,
    address: info.address,
    taxId: info.taxId,
    // the processor token stays server-side: it is what charges the method
    paymentMethod: method ? { brand: method.brand, last4: method.last4, expMonth: method.expMonth, expYear: method.expYear } : null,
    updatedAt: info.updatedAt,
  }
}

const actor = (p: Principal) => (p.kind === 'user' ? { actorKind: 'user', actorId: p.userId } : { actorKind: 'management-key', actorId: p.keyId })

@Injectable()
export class PaymentInformationService {
  constructor(private readonly prisma: PrismaService) {}

  async get(accountId: string) {
    const info = await this.prisma.paymentInformation.findUnique({ where: { accountId } })
    return view(info) ?? { billingEmail: null, companyName: null, address: null, taxId: null, paymentMethod: null, updatedAt: null }
  }

  /** Replaces the billing details; every change is recorded with who made it and which fields changed. */
  async put(accountId: string, by: Principal, dto: PaymentInformationDto) {
    let taxId: string | null = null
    if (dto.taxId) {
      const checked = checkTaxId(dto.address.country, dto.taxId)
      if ('error' in checked) throw invalidField('taxId', checked.error)
      taxId = checked.value
    }
    const data = {
      billingEmail: dto.billingEmail.toLowerCase(),
      companyName: dto.companyName ?? null,
      address: { ...dto.address } as Prisma.InputJsonObject,
      taxId,
      paymentMethod: dto.paymentMethod ? ({ ...dto.paymentMethod } as Prisma.InputJsonObject) : Prisma.DbNull,
    }
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.paymentInformation.findUnique({ where: { accountId } })
      const saved = await tx.paymentInformation.upsert({ where: { accountId }, create: { accountId, ...data }, update: data })
      const fields = (['billingEmail', 'companyName', 'address', 'taxId', 'paymentMethod'] as const).filter(
        (f) => JSON.stringify(before?.[f] ?? null) !== JSON.stringify(saved[f] ?? null),
      )
      if (fields.length) await tx.paymentInformationChange.create({ data: { accountId, ...actor(by), fields } })
      return view(saved)
    })
  }

  async deleteMethod(accountId: string, by: Principal): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const info = await tx.paymentInformation.findUnique({ where: { accountId } })
      if (!info?.paymentMethod) throw notFound('Payment method')
      await tx.paymentInformation.update({ where: { accountId }, data: { paymentMethod: Prisma.DbNull } })
      await tx.paymentInformationChange.create({ data: { accountId, ...actor(by), fields: ['paymentMethod'] } })
    })
  }

  async changes(accountId: string, query: PageQuery): Promise<Page<object>> {
    const args = pageArgs(query)
    const rows = await this.prisma.paymentInformationChange.findMany({ ...args, where: { ...args.where, accountId } })
    return toPage(rows, query, ({ id, actorKind, actorId, fields, createdAt }) => ({ id, actor: { kind: actorKind, id: actorId }, fields, createdAt }))
  }
}
