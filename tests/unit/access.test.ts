import assert from "node:assert/strict";
import { test } from "node:test";
import { may, mayOnMessage, messageAbilities, roomAbilities, type RoomAccess } from "../../src/domain/access.js";

const access = (isPrivate: boolean, isMember: boolean, kind: RoomAccess["room"]["kind"] = "room"): RoomAccess => ({
  room: { id: 1, isPrivate, isDefault: false, kind },
  isMember,
});

test("members read, post and leave; others do nothing", () => {
  for (const action of ["read", "post", "leave"] as const) {
    assert.equal(may(action, access(false, true)), true, action);
    assert.equal(may(action, access(true, true)), true, action);
    assert.equal(may(action, access(false, false)), false, action);
    assert.equal(may(action, access(true, false)), false, action);
    assert.equal(may(action, null), false, action);
  }
});

test("only public rooms can be joined, and only by non-members", () => {
  assert.equal(may("join", access(false, false)), true);
  assert.equal(may("join", access(true, false)), false);
  assert.equal(may("join", access(false, true)), false);
});

test("only members of a private room add people to it", () => {
  assert.equal(may("addMember", access(true, true)), true);
  assert.equal(may("addMember", access(false, true)), false);
  assert.equal(may("addMember", access(true, false)), false);
});

test("conversations are read and written by their people, and nobody leaves, joins or is added", () => {
  for (const kind of ["direct", "group"] as const) {
    assert.equal(may("read", access(true, true, kind)), true, kind);
    assert.equal(may("post", access(true, true, kind)), true, kind);
    assert.equal(may("read", access(true, false, kind)), false, kind);
    assert.equal(may("leave", access(true, true, kind)), false, kind);
    assert.equal(may("addMember", access(true, true, kind)), false, kind);
    assert.equal(may("join", access(false, false, kind)), false, kind);
  }
});

const someone = { isAuthor: false, isAdmin: false, isDeleted: false };
const author = { ...someone, isAuthor: true };
const admin = { ...someone, isAdmin: true };

test("only the author of a message describes its images", () => {
  assert.equal(mayOnMessage("describe", author), true);
  assert.equal(mayOnMessage("describe", someone), false);
  assert.equal(mayOnMessage("describe", admin), false);
});

test("the author edits; the author or an administrator deletes; members react and reply", () => {
  assert.deepEqual(messageAbilities(author), { describe: true, edit: true, readRevisions: true, delete: true, react: true, reply: true });
  assert.deepEqual(messageAbilities(admin), { describe: false, edit: false, readRevisions: true, delete: true, react: true, reply: true });
  assert.deepEqual(messageAbilities(someone), {
    describe: false,
    edit: false,
    readRevisions: true,
    delete: false,
    react: true,
    reply: true,
  });
});

test("nothing more is done with a deleted message, by anyone", () => {
  for (const who of [author, admin, someone])
    assert.deepEqual(messageAbilities({ ...who, isDeleted: true }), {
      describe: false,
      edit: false,
      readRevisions: false,
      delete: false,
      react: false,
      reply: false,
    });
});

test("abilities are the rules' answers for one viewer, every action named", () => {
  assert.deepEqual(roomAbilities(access(true, true)), { read: true, post: true, leave: true, join: false, addMember: true });
  assert.deepEqual(roomAbilities(access(false, false)), { read: false, post: false, leave: false, join: true, addMember: false });
  assert.deepEqual(roomAbilities(access(true, true, "group")), { read: true, post: true, leave: false, join: false, addMember: false });
});
