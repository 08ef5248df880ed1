-- AlterEnum
ALTER TYPE "BackupStatus" ADD VALUE 'DELETING';

-- AlterTable
ALTER TABLE "Backup" ADD COLUMN     "environmentId" UUID;

-- CreateIndex
CREATE INDEX "Backup_environmentId_status_idx" ON "Backup"("environmentId", "status");

-- AddForeignKey
ALTER TABLE "Backup" ADD CONSTRAINT "Backup_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "HybridCloudEnvironment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
