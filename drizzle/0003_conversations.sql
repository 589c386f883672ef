ALTER TABLE "memberships" ADD COLUMN "last_read_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rooms" ADD COLUMN "kind" text DEFAULT 'room' NOT NULL;--> statement-breakpoint
ALTER TABLE "rooms" ADD COLUMN "participants_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "rooms_participants_key" ON "rooms" USING btree ("participants_key");