// The redirect page of `serve --open`: private to the user, redirects to exactly the tokened address,
// and is what the opener gets instead of that address.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openerCommand, removeStaleRedirectFiles, writeRedirectFile } from './open-browser';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-open-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('writeRedirectFile', () => {
  it('writes a 0600 page in the cache folder that redirects to the address, escaped for HTML and script', () => {
    const target = 'http://127.0.0.1:7420/?token=abc&x="</script><b>"';
    const page = writeRedirectFile(path.join(dir, '.cache'), target);
    expect(path.dirname(page.path)).toBe(path.join(dir, '.cache'));
    expect(fileURLToPath(page.fileUrl)).toBe(page.path);
    if (process.platform !== 'win32') expect(fs.statSync(page.path).mode & 0o777).toBe(0o600);
    const html = fs.readFileSync(page.path, 'utf8');
    expect(html).toContain('content="0;url=http://127.0.0.1:7420/?token=abc&amp;x=&quot;&lt;/script&gt;&lt;b&gt;&quot;"');
    expect(html).toContain('window.location.replace("http://127.0.0.1:7420/?token=abc&x=\\"\\u003c/script>\\u003cb>\\"")');
    expect(html).not.toContain('</script><b>');
    // No temp file is left beside it.
    expect(fs.readdirSync(path.dirname(page.path))).toEqual([path.basename(page.path)]);
    page.remove();
    page.remove();
    expect(fs.existsSync(page.path)).toBe(false);
  });

  it('removes only the redirect pages a previous host left behind', () => {
    const cache = path.join(dir, '.cache');
    const old = writeRedirectFile(cache, 'http://127.0.0.1:1/?token=old');
    fs.writeFileSync(path.join(cache, 'rag_update_queue.json'), '[]');
    expect(removeStaleRedirectFiles(cache)).toBe(1);
    expect(fs.existsSync(old.path)).toBe(false);
    expect(fs.readdirSync(cache)).toEqual(['rag_update_queue.json']);
    expect(removeStaleRedirectFiles(path.join(dir, 'missing'))).toBe(0);
  });
});

describe('openerCommand', () => {
  it('hands each platform’s opener the page, not the tokened address', () => {
    const file = 'file:///home/u/.openfatture/.cache/open-browser-1.html';
    expect(openerCommand(file, 'linux')).toEqual(['xdg-open', [file]]);
    expect(openerCommand(file, 'darwin')).toEqual(['open', [file]]);
    expect(openerCommand(file, 'win32')).toEqual(['cmd', ['/c', 'start', '""', file]]);
  });
});
