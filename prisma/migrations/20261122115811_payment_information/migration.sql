-- CreateTable
CREATE TABLE "PaymentInformation" (
    "accountId" UUID NOT NULL,
    "billingEmail" TEXT NOT NULL,
    "companyName" TEXT,
    "address" JSONB NOT NULL,
    "taxId" TEXT,
    "paymentMethod" JSONB,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PaymentInformation_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "PaymentInformationChange" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "actorKind" TEXT NOT NULL,
    "actorId" UUID NOT NULL,
    "fields" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PaymentInformationChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PaymentInformationChange_accountId_createdAt_idx" ON "PaymentInformationChange"("accountId", "createdAt");

-- AddForeignKey
ALTER TABLE "PaymentInformation" ADD CONSTRAINT "PaymentInformation_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaymentInformationChange" ADD CONSTRAINT "PaymentInformationChange_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
