-- CreateEnum
CREATE TYPE "ClusterStatus" AS ENUM ('CREATING', 'HEALTHY', 'UPDATING', 'SUSPENDING', 'SUSPENDED', 'DELETING', 'FAILED');

-- CreateTable
CREATE TABLE "Cluster" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "ClusterStatus" NOT NULL DEFAULT 'CREATING',
    "statusReason" TEXT,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "nodeCount" INTEGER NOT NULL DEFAULT 1,
    "resources" JSONB NOT NULL,
    "version" TEXT NOT NULL,
    "signingKey" TEXT NOT NULL,
    "previousSigningKey" TEXT,
    "previousKeyExpiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Cluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClusterNode" (
    "id" UUID NOT NULL,
    "clusterId" UUID NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "port" INTEGER,
    "pid" INTEGER,
    "startedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClusterNode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DatabaseApiKey" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "clusterId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "accessRules" JSONB NOT NULL,
    "suffix" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "DatabaseApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Cluster_status_idx" ON "Cluster"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Cluster_accountId_name_key" ON "Cluster"("accountId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ClusterNode_clusterId_ordinal_key" ON "ClusterNode"("clusterId", "ordinal");

-- CreateIndex
CREATE UNIQUE INDEX "DatabaseApiKey_jti_key" ON "DatabaseApiKey"("jti");

-- CreateIndex
CREATE INDEX "DatabaseApiKey_accountId_clusterId_idx" ON "DatabaseApiKey"("accountId", "clusterId");

-- AddForeignKey
ALTER TABLE "Cluster" ADD CONSTRAINT "Cluster_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClusterNode" ADD CONSTRAINT "ClusterNode_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatabaseApiKey" ADD CONSTRAINT "DatabaseApiKey_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;
