-- AlterTable
ALTER TABLE "DatabaseApiKey" ADD COLUMN     "previousJti" TEXT;
