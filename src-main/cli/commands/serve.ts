// `openfatture serve [--port N] [--host H] [--open]`: the browser host for headless machines and the
// e2e tests. Prints the tokened URL, runs until SIGINT/SIGTERM, then stops everything in order.
import type { Command } from 'commander';
import { serveApp } from '../../server/serve-app';
import { openBrowser } from '../../server/open-browser';
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
    .option('--open', 'open the address in the default browser')
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
      if (opts.open && !openBrowser(url)) process.stderr.write('Could not open a browser; open the address above yourself.\n');
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      running.logger.info(`Received ${signal}, shutting down`);
      await running.stop();
    });
}
