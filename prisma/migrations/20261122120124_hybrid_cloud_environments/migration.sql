-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "environmentId" UUID;

-- AlterTable
ALTER TABLE "ClusterNode" ADD COLUMN     "url" TEXT;

-- CreateTable
CREATE TABLE "HybridCloudEnvironment" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "bootstrapTokenHash" TEXT,
    "agentCredentialHash" TEXT,
    "lastSeenAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HybridCloudEnvironment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "HybridCloudEnvironment_bootstrapTokenHash_key" ON "HybridCloudEnvironment"("bootstrapTokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "HybridCloudEnvironment_agentCredentialHash_key" ON "HybridCloudEnvironment"("agentCredentialHash");

-- CreateIndex
CREATE UNIQUE INDEX "HybridCloudEnvironment_accountId_name_key" ON "HybridCloudEnvironment"("accountId", "name");

-- AddForeignKey
ALTER TABLE "Cluster" ADD CONSTRAINT "Cluster_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "HybridCloudEnvironment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HybridCloudEnvironment" ADD CONSTRAINT "HybridCloudEnvironment_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
