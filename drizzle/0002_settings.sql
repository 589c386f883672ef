ALTER TABLE "users" ADD COLUMN "sidebar_order" text DEFAULT 'activity' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "share_read_receipts" boolean DEFAULT true NOT NULL;