CREATE TABLE "attachments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "attachments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"message_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"content_type" text NOT NULL,
	"hash" text NOT NULL,
	"byte_size" bigint NOT NULL,
	"file_name" text NOT NULL,
	"width" integer,
	"height" integer,
	"alt" text,
	"thumb_hash" text,
	"thumb_width" integer,
	"thumb_height" integer,
	"poster_hash" text,
	"duration_ms" integer
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attachments_message_position_key" ON "attachments" USING btree ("message_id","position");