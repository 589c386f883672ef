ALTER TABLE "messages" ADD COLUMN "client_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "messages_author_client_id_key" ON "messages" USING btree ("author_id","client_id");