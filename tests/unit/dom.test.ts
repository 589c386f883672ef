import assert from "node:assert/strict";
import { test } from "node:test";
import { contract, id } from "../../src/render/dom.js";
import { domModule } from "../../src/render/dom-module.js";
import { render } from "../../src/render/engine.js";

/** /js/dom.js as the browser gets it, imported the way the script imports it. */
async function served(): Promise<typeof contract & { loaders: Record<"older" | "newer", string> }> {
  const module = (await import(`data:text/javascript,${encodeURIComponent(domModule())}`)) as {
    dom: typeof contract & { loaders: Record<"older" | "newer", string> };
  };
  return module.dom;
}

test("the script is handed the contract's values as they are", async () => {
  const dom = await served();
  assert.deepEqual({ id: dom.id, prefix: dom.prefix, event: dom.event, size: dom.size, slot: dom.slot }, contract);
  assert.equal(dom.size.historyPage, 50);
});

test("a loader the script fills in is the one partials/history-edge renders", async () => {
  const dom = await served();
  for (const edge of ["older", "newer"] as const) {
    const filled = dom.loaders[edge].replaceAll(dom.slot.room, "7").replaceAll(dom.slot.message, "42");
    assert.equal(filled, render("partials/history-edge", { edge, roomId: 7, messageId: 42 }));
    assert.match(filled, new RegExp(`^<div id="history-${edge}" class="history-edge" hx-get="/rooms/7/messages\\?(before|after)=42"`));
  }
});

test("no two names in the contract stand for the same id", () => {
  const values = Object.values(id);
  assert.equal(new Set(values).size, values.length);
});
