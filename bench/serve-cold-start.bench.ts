// Cold start of the browser host (`openfatture serve`) on demo data, measured from the outside as a
// user experiences it: process start → URL printed, and URL opened in Chromium → first dashboard
// rendered (page title, status indicators filled, nothing loading). Baseline in the same run: the
// same Chromium loading a static page from a plain node:http server. Target: ≤ 2 s from URL opened.
// Run: npx tsx bench/serve-cold-start.bench.ts [--runs N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { percentile, report } from './report';
import { CLI, ROOT, startServe } from './serve-process';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const DEMO = { clients: 60, invoices: 2000 };

function median(v: number[]): number {
  return percentile(v, 50);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-bench-serve-'));
  const seed = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'demo', 'seed', '--clients', String(DEMO.clients), '--invoices', String(DEMO.invoices)], { encoding: 'utf8' });
  if (seed.status !== 0) throw new Error(`demo seed failed: ${seed.stderr}`);
  // The renderer is built once (as `npm run build:renderer` does), not timed: serve builds it if missing.
  if (!fs.existsSync(path.join(ROOT, 'dist-renderer/index.html'))) spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });

  const staticServer = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><title>static</title></head><body><h1>Static page</h1></body></html>');
  });
  await new Promise<void>((r) => staticServer.listen(0, '127.0.0.1', () => r()));
  const staticUrl = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/`;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const toUrl: number[] = [];
  const toDashboard: number[] = [];
  const processToDashboard: number[] = [];
  const staticLoad: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      // Baseline: a fresh context (cold cache) loading a static page and its h1.
      const sctx = await browser.newContext();
      const spage = await sctx.newPage();
      const s0 = performance.now();
      await spage.goto(staticUrl);
      await spage.locator('h1').waitFor();
      staticLoad.push(performance.now() - s0);
      await sctx.close();

      const t0 = performance.now();
      const serve = await startServe(dataDir);
      toUrl.push(serve.msToUrl);
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      const u0 = performance.now();
      await page.goto(serve.url);
      await page.locator('h1').first().waitFor();
      await page.locator('[data-testid="indicator-model"]').waitFor();
      await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
      const now = performance.now();
      toDashboard.push(now - u0);
      processToDashboard.push(now - t0);
      await ctx.close();
      await serve.stop();
      console.log(`run ${i + 1}/${RUNS}: URL after ${serve.msToUrl.toFixed(0)} ms, dashboard ${(now - u0).toFixed(0)} ms after opening it`);
    }
  } finally {
    await browser.close();
    staticServer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const dash = median(toDashboard);
  report({
    bench: 'serve-cold-start',
    title: 'Browser host cold start (openfatture serve, demo data)',
    command: `npx tsx bench/serve-cold-start.bench.ts --runs ${RUNS}`,
    settings: { runs: RUNS, clients: DEMO.clients, invoices: DEMO.invoices, browser: 'Debian Chromium (headless)' },
    notes: [
      'Each run starts a new serve process on the same data dir and opens the URL in a new browser context (cold cache).',
      '"Dashboard rendered": the page title, the status indicators, and no loading placeholder left.',
    ],
    figures: [
      { metric: 'URL opened → first dashboard rendered (median)', value: dash / 1000, unit: 's', baseline: { label: 'static page load', value: median(staticLoad) / 1000 }, target: '≤ 2 s', met: dash <= 2000 },
      { metric: 'URL opened → first dashboard rendered (max)', value: toDashboard.reduce((a, b) => Math.max(a, b)) / 1000, unit: 's', baseline: { label: 'static page load, max', value: staticLoad.reduce((a, b) => Math.max(a, b)) / 1000 } },
      { metric: 'process start → URL printed (median)', value: median(toUrl) / 1000, unit: 's' },
      { metric: 'process start → first dashboard rendered (median)', value: median(processToDashboard) / 1000, unit: 's' },
    ],
  });
}

await main();
