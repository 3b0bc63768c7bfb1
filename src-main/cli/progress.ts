// A progress bar on stderr for long CLI work (only on a terminal; silent in pipes and CI logs).
import cliProgress from 'cli-progress';

export type ProgressFn = (step: string, current: number, total: number) => void;

export function stderrProgress(): ProgressFn {
  if (!process.stderr.isTTY) return () => undefined;
  let bar: cliProgress.SingleBar | null = null;
  let currentStep = '';
  process.once('exit', () => bar?.stop());
  return (step, current, total) => {
    if (step !== currentStep) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        { format: `${step.padEnd(12)} [{bar}] {percentage}% {value}/{total}`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0);
      currentStep = step;
    }
    bar?.setTotal(Math.max(total, 1));
    bar?.update(current);
    if (current >= total) {
      bar?.stop();
      bar = null;
      currentStep = '';
    }
  };
}
