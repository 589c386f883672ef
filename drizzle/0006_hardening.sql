CREATE TABLE "join_code" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "join_code_one_row" CHECK ("join_code"."singleton")
);
--> statement-breakpoint
CREATE TABLE "login_throttle" (
	"username" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"blocked_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "client_id" uuid;--> statement-breakpoint
CREATE INDEX "attachments_hash_idx" ON "attachments" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "attachments_thumb_hash_idx" ON "attachments" USING btree ("thumb_hash");--> statement-breakpoint
CREATE INDEX "attachments_poster_hash_idx" ON "attachments" USING btree ("poster_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_author_client_id_key" ON "messages" USING btree ("author_id","client_id");