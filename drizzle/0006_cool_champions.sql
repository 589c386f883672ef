CREATE INDEX "attachments_hash_idx" ON "attachments" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "attachments_thumb_hash_idx" ON "attachments" USING btree ("thumb_hash");--> statement-breakpoint
CREATE INDEX "attachments_poster_hash_idx" ON "attachments" USING btree ("poster_hash");