-- CreateEnum
CREATE TYPE "BackupStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "BackupRestoreStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "restoreFromBackupId" UUID;

-- CreateTable
CREATE TABLE "Backup" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "clusterId" UUID NOT NULL,
    "clusterName" TEXT NOT NULL,
    "scheduleId" UUID,
    "jobId" TEXT NOT NULL,
    "status" "BackupStatus" NOT NULL DEFAULT 'PENDING',
    "statusReason" TEXT,
    "retentionDays" INTEGER NOT NULL,
    "collections" JSONB NOT NULL DEFAULT '[]',
    "sizeBytes" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Backup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BackupRestore" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "backupId" UUID NOT NULL,
    "clusterId" UUID NOT NULL,
    "generation" INTEGER NOT NULL,
    "jobId" TEXT NOT NULL,
    "status" "BackupRestoreStatus" NOT NULL DEFAULT 'PENDING',
    "statusReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "BackupRestore_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BackupSchedule" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "clusterId" UUID NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "retentionDays" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastRunAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BackupSchedule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Backup_jobId_key" ON "Backup"("jobId");

-- CreateIndex
CREATE INDEX "Backup_accountId_clusterId_idx" ON "Backup"("accountId", "clusterId");

-- CreateIndex
CREATE INDEX "Backup_expiresAt_idx" ON "Backup"("expiresAt");

-- CreateIndex
CREATE INDEX "Backup_status_idx" ON "Backup"("status");

-- CreateIndex
CREATE UNIQUE INDEX "BackupRestore_jobId_key" ON "BackupRestore"("jobId");

-- CreateIndex
CREATE INDEX "BackupRestore_backupId_createdAt_idx" ON "BackupRestore"("backupId", "createdAt");

-- CreateIndex
CREATE INDEX "BackupRestore_status_idx" ON "BackupRestore"("status");

-- CreateIndex
CREATE INDEX "BackupSchedule_accountId_clusterId_idx" ON "BackupSchedule"("accountId", "clusterId");

-- AddForeignKey
ALTER TABLE "Backup" ADD CONSTRAINT "Backup_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backup" ADD CONSTRAINT "Backup_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "BackupSchedule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BackupRestore" ADD CONSTRAINT "BackupRestore_backupId_fkey" FOREIGN KEY ("backupId") REFERENCES "Backup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BackupSchedule" ADD CONSTRAINT "BackupSchedule_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BackupSchedule" ADD CONSTRAINT "BackupSchedule_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;
