#!/usr/bin/env node
// Draws the Bastionless mark (a shield with a shell prompt) and writes every icon the app and
// its packages need: PNGs, a PNG-based .icns (macOS) and .ico (Windows), and the tray icons.
// No image libraries: shapes are sampled 4x4 per pixel and written as RGBA PNG with zlib.
// Run: node build/scripts/icons.js  (outputs are committed under assets/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets');

// ---- PNG ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- the mark, in unit coordinates (0..1, y down) ----
function inShield(u, v) {
  if (v < 0.1 || v > 0.93) return false;
  let halfWidth = 0.34;
  if (v > 0.5) {
    const t = (v - 0.5) / 0.43;
    halfWidth = 0.34 * Math.sqrt(Math.max(0, 1 - t * t));
  }
  // Rounded top corners.
  const dx = Math.abs(u - 0.5) - (0.34 - 0.06);
  const dy = 0.1 + 0.06 - v;
  if (dx > 0 && dy > 0 && dx * dx + dy * dy > 0.06 * 0.06) return false;
  return Math.abs(u - 0.5) <= halfWidth;
}
function distanceToSegment(u, v, [ax, ay], [bx, by]) {
  const t = Math.max(0, Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay)));
}
function inPrompt(u, v, weight) {
  const a = [0.35, 0.33];
  const b = [0.52, 0.47];
  const c = [0.35, 0.61];
  const chevron = Math.min(distanceToSegment(u, v, a, b), distanceToSegment(u, v, b, c)) <= weight / 2;
  const underscore = u >= 0.53 && u <= 0.67 && v >= 0.61 - weight / 2 && v <= 0.61 + weight / 2;
  return chevron || underscore;
}
function inRoundedSquare(u, v, margin, radius) {
  const x = Math.abs(u - 0.5) - (0.5 - margin - radius);
  const y = Math.abs(v - 0.5) - (0.5 - margin - radius);
  if (x <= 0 || y <= 0) return Math.max(x, y) <= radius;
  return Math.hypot(x, y) <= radius;
}

/** Renders size×size RGBA; paint(u, v) returns [r, g, b, a] (0..255) or null for transparent. */
function render(size, paint) {
  const samples = 4;
  const out = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const color = paint((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size);
          if (!color) continue;
          const alpha = color[3] / 255;
          r += color[0] * alpha;
          g += color[1] * alpha;
          b += color[2] * alpha;
          a += alpha;
        }
      }
      const i = (y * size + x) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((a / (samples * samples)) * 255);
    }
  }
  return encodePng(size, out);
}

// App icon: a slate tile, a blue shield shading top to bottom, a white prompt.
const appIcon = (size) =>
  render(size, (u, v) => {
    if (!inRoundedSquare(u, v, 0.06, 0.18)) return null;
    const su = 0.5 + (u - 0.5) / 0.8;
    const sv = 0.5 + (v - 0.52) / 0.8;
    if (inShield(su, sv)) {
      if (inPrompt(su, sv, 0.085)) return [248, 250, 252, 255];
      const t = Math.max(0, Math.min(1, (sv - 0.1) / 0.83));
      return [Math.round(59 - 29 * t), Math.round(130 - 66 * t), Math.round(246 - 71 * t), 255];
    }
    return [15, 23, 42, 255];
  });

// Tray: the shield alone in one colour with the prompt cut out (macOS templates use only alpha).
const trayIcon = (size, rgb) =>
  render(size, (u, v) => {
    const su = 0.5 + (u - 0.5) / 0.98;
    const sv = 0.5 + (v - 0.52) / 0.98;
    return inShield(su, sv) && !inPrompt(su, sv, 0.11) ? [...rgb, 255] : null;
  });

function icns(entries) {
  const parts = entries.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

function ico(images) {
  const dir = Buffer.alloc(6 + images.length * 16);
  dir.writeUInt16LE(0, 0);
  dir.writeUInt16LE(1, 2);
  dir.writeUInt16LE(images.length, 4);
  let offset = dir.length;
  images.forEach(([size, png], i) => {
    const e = 6 + i * 16;
    dir[e] = size >= 256 ? 0 : size;
    dir[e + 1] = size >= 256 ? 0 : size;
    dir.writeUInt16LE(1, e + 4); // planes
    dir.writeUInt16LE(32, e + 6); // bits per pixel
    dir.writeUInt32LE(png.length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([dir, ...images.map(([, png]) => png)]);
}

function write(relative, data) {
  const file = join(ASSETS, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
  console.log(`${relative.padEnd(28)} ${data.length} bytes`);
}

const app = new Map([16, 24, 32, 48, 64, 128, 256, 512, 1024].map((size) => [size, appIcon(size)]));
write('icon.png', app.get(512));
write('icon-256.png', app.get(256));
for (const size of [16, 32, 48, 64, 128, 256, 512]) write(`icons/${size}x${size}.png`, app.get(size));
write(
  'icon.icns',
  icns([
    ['icp4', app.get(16)],
    ['icp5', app.get(32)],
    ['ic11', app.get(32)],
    ['ic12', app.get(64)],
    ['ic07', app.get(128)],
    ['ic08', app.get(256)],
    ['ic13', app.get(256)],
    ['ic09', app.get(512)],
    ['ic14', app.get(512)],
    ['ic10', app.get(1024)],
  ]),
);
write('icon.ico', ico([16, 24, 32, 48, 64, 128, 256].map((size) => [size, app.get(size)])));

const BLACK = [0, 0, 0];
const LIGHT = [241, 245, 249]; // for dark panels
const DARK = [30, 41, 59]; // for light panels
write('tray/iconTemplate.png', trayIcon(16, BLACK));
write('tray/iconTemplate@2x.png', trayIcon(32, BLACK));
write('tray/tray-light.png', trayIcon(16, LIGHT));
write('tray/tray-light@2x.png', trayIcon(32, LIGHT));
write('tray/tray-dark.png', trayIcon(16, DARK));
write('tray/tray-dark@2x.png', trayIcon(32, DARK));
