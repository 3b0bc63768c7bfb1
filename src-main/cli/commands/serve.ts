// `openfatture serve [--port N] [--host H] [--open]`: the browser host for headless machines and the
// e2e tests. Prints the tokened URL, runs until SIGINT/SIGTERM, then stops everything in order.
// `--open` hands the browser a redirect page in the data dir's cache, never the token itself (a
// command line is visible to every user of the machine); the page is removed once it has been used
// and at the latest when the host stops.
import type { Command } from 'commander';
import { serveApp } from '../../server/serve-app';
import { openBrowserWithoutTokenOnCommandLine, type RedirectFile } from '../../server/open-browser';
import { InputError } from '../../core/errors';
import { cliSettings, EXIT_FAILURE, ExitError, globalOptions, parse } from '../context';

interface ServeFlags {
  port?: number;
  host: string;
  open?: boolean;
}

export const DEFAULT_SERVE_PORT = 7420;

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the app in your browser: serves the UI and its API on 127.0.0.1 with a per-run access token')
    .option('--port <n>', `port to listen on (0 = any free port; default ${DEFAULT_SERVE_PORT})`, parse.int('--port', 0, 65535))
    .option('--host <address>', 'interface to bind (anything but loopback exposes the app to your network; the token still applies)', '127.0.0.1')
    .option('--open', 'open the app in the default browser (through a private redirect page in the data folder, so the token never appears on a command line)')
    .action(async (opts: ServeFlags, cmd: Command) => {
      const settings = cliSettings(cmd);
      const verbose = globalOptions(cmd).verbose;
      const port = opts.port ?? DEFAULT_SERVE_PORT;
      const running = await serveApp({
        settings,
        version: cmd.parent?.version() ?? '0.0.0',
        host: opts.host,
        port,
        consoleLevel: verbose ? 'debug' : 'info',
      }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE') throw new ExitError(EXIT_FAILURE, `Error: port ${port} on ${opts.host} is already in use; pass --port N (0 picks any free port).`);
        if (e.code === 'EADDRNOTAVAIL') throw new InputError(`--host: ${opts.host} is not an address of this machine`, '--host');
        throw e;
      });
      const url = running.server.url;
      running.logger.info(`Browser host listening on ${running.server.host}:${running.server.port}`);
      process.stdout.write(`OpenFatture is running at ${url}\nOpen that address in a browser (it carries this run's access token). Press Ctrl+C to stop.\n`);
      const signal = new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      let redirect: RedirectFile | null = null;
      try {
        if (opts.open) {
          redirect = await openBrowserWithoutTokenOnCommandLine(url, settings.paths.cacheDir).catch((e: Error) => {
            running.logger.warn(`serve --open: could not write the redirect page: ${e.message}`);
            return null;
          });
          if (!redirect) process.stderr.write('Could not open a browser; open the address above yourself.\n');
          else {
            const page = redirect;
            const off = running.server.onPageOpenedWithToken(() => {
              page.remove();
              off();
            });
          }
        }
        running.logger.info(`Received ${await signal}, shutting down`);
      } finally {
        redirect?.remove();
        await running.stop();
      }
    });
}
