// Draws the PNG icons and favicon.ico in public/icons from public/icons/parley.svg, with the same
// Chromium the tests use; run again after changing the drawing: npm run icons.
// The maskable icon keeps the drawing inside the safe zone (the middle 80%) on the icon's colour.
import { readFile, writeFile } from "node:fs/promises";
import { chromium } from "@playwright/test";

const dir = "public/icons";
const svg = await readFile(`${dir}/parley.svg`, "utf8");
const browser = await chromium.launch({ executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium" });

async function png(size: number, maskable = false): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const inset = maskable ? size * 0.1 : 0;
  await page.setContent(
    `<body style="margin:0;background:${maskable ? "#4338ca" : "transparent"}">` +
      `<img src="data:image/svg+xml,${encodeURIComponent(svg)}" style="display:block;margin:${inset}px;width:${size - 2 * inset}px;height:${size - 2 * inset}px"></body>`,
  );
  const shot = await page.screenshot({ omitBackground: !maskable });
  await page.close();
  return shot;
}

/** An .ico holding one PNG image (allowed since Windows Vista, read by every browser). */
function ico(image: Buffer, size: number): Buffer {
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(size, 6); // width
  header.writeUInt8(size, 7); // height
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(header.length, 18); // where the image starts
  return Buffer.concat([header, image]);
}

try {
  await writeFile(`${dir}/icon-192.png`, await png(192));
  await writeFile(`${dir}/icon-512.png`, await png(512));
  await writeFile(`${dir}/icon-maskable-512.png`, await png(512, true));
  await writeFile(`${dir}/apple-touch-icon.png`, await png(180, true));
  await writeFile(`${dir}/favicon.ico`, ico(await png(32), 32));
} finally {
  await browser.close();
}
