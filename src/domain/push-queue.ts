import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client.js";
import { levelSql } from "./notification-levels.js";

/** The first characters of a message a notification shows. */
export const BODY_CHARACTERS = 100;

interface NewMessage {
  messageId: number;
  roomId: number;
  authorId: number;
}

/**
 * Who is told of a message by Web Push, decided in one statement inside the post's transaction:
 * every member but the author who is not looking (no visible page in the last 60 s, see
 * domain/looking.ts), for each of their subscriptions, when their level for the room says so:
 * "everything"; "mentions" and the message mentions them (message_mentions, written earlier in the
 * same transaction) or it is a direct conversation; "nothing" and "hidden" never (hidden rooms
 * come back to the sidebar on a mention, but do not push: a person who hid a room asked for quiet).
 * The level's default is the room kind's: rooms "mentions", conversations "everything".
 *
 * What the person sees is built here too, so the worker only sends: the title (who, and where),
 * the first 100 characters of the text unless they turned text off, the message's permalink (as
 * render/message.ts permalinkOf builds it), and the room's tag, which coalesces on the device.
 * The same "room-ID" is the Topic header: a push not yet delivered is replaced at the push service
 * by the next one for its room.
 */
export async function queueMessagePushes(db: Db, { messageId, roomId, authorId }: NewMessage): Promise<number> {
  const result = await db.execute(
    sql`insert into push_jobs (subscription_id, payload, topic)
    select s.id,
      json_build_object(
        'type', 'message',
        'title', case r.kind when 'direct' then a.display_name
          when 'group' then a.display_name || ' in a group'
          else a.display_name || ' in #' || r.name end,
        'body', case when not u.notification_text then 'New message'
          when msg.body = '' then 'Sent a file'
          else left(msg.body, ${BODY_CHARACTERS}) end,
        'url', '/rooms/' || msg.room_id || '/messages/' || msg.id || '#message-' || msg.id,
        'tag', 'room-' || msg.room_id
      )::text,
      'room-' || msg.room_id
    from messages msg
    join rooms r on r.id = msg.room_id
    join users a on a.id = msg.author_id
    join memberships m on m.room_id = msg.room_id and m.user_id <> ${authorId}::bigint
    join users u on u.id = m.user_id
    join push_subscriptions s on s.user_id = m.user_id
    where msg.id = ${messageId}::bigint and msg.room_id = ${roomId}::bigint
      and (u.looking_until is null or u.looking_until < now())
      and case ${levelSql(sql.raw("m.notification_level"), sql.raw("r.kind"))}
        when 'everything' then true
        when 'mentions' then r.kind = 'direct'
          or exists (select 1 from message_mentions mm where mm.message_id = msg.id and mm.user_id = m.user_id)
        else false end
    returning push_jobs.id`,
  );
  return rowsOf(result).length;
}

/**
 * Reading a room closes its notifications on every device: a "close" push to the reader's
 * subscriptions, for each room in `roomIds` (those where they had something unread: a notification
 * is only ever of a message someone else wrote, which was unread). Only subscriptions sent a
 * notification in the last day get one, so that reading along in a room with no notification
 * showing sends nothing; a close for a notification already gone closes nothing. Same topic as the
 * notification: one not yet delivered is replaced by its close.
 */
export async function queueClosePushes(db: Db, userId: number, roomIds: number[]): Promise<number> {
  if (roomIds.length === 0) return 0;
  const result = await db.execute(
    sql`insert into push_jobs (subscription_id, payload, topic)
    select s.id, json_build_object('type', 'close', 'tag', 'room-' || r.id)::text, 'room-' || r.id
    from push_subscriptions s cross join unnest(${`{${roomIds.join(",")}}`}::bigint[]) as r(id)
    where s.user_id = ${userId}::bigint and s.last_sent_at > now() - interval '1 day'
    returning push_jobs.id`,
  );
  return rowsOf(result).length;
}
