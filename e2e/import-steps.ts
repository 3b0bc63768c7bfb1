// Steps on the Import page shared by the specs: dropping files the way a browser does, and
// screenshots at the two window sizes the UI is checked at (e2e-artifacts/screenshots/).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { REPO_ROOT } from './serve-fixture';

export const SCREENSHOTS = path.join(REPO_ROOT, 'e2e-artifacts/screenshots');

/** Drops files on the drop zone: a DataTransfer holding Files, with dragover then drop. */
export async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  await page.getByTestId('import-drop').evaluate(
    (el, list) => {
      // Browser globals, typed here because this file compiles with the Node types.
      const w = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        DragEvent: new (type: string, init: object) => Event;
      };
      const dt = new w.DataTransfer();
      for (const { name, b64 } of list) {
        const raw = atob(b64);
        const data = new Uint8Array(raw.length);
        for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i);
        dt.items.add(new File([data], name));
      }
      el.dispatchEvent(new w.DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new w.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') })),
  );
}

/** Screenshots of the page at 1400×900 and 1024×640 as `<prefix>-<name>-<w>x<h>.png`, then back to the default size. */
export async function shootAtTwoSizes(page: Page, prefix: string, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [w, h] of [
    [1400, 900],
    [1024, 640],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${prefix}-${name}-${w}x${h}.png`), fullPage: false });
  }
  await page.setViewportSize({ width: 1360, height: 880 });
}
