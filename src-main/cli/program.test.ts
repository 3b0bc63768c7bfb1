// The CLI loads only the command group a command line names (program.ts). These tests keep the
// routing table honest: every command a group registers is routed to it, so no command line ever
// lands on a program that lacks its command.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, buildProgramWith, COMMAND_GROUPS, groupsFor, type CommandGroupName } from './program';

const names = (cmds: readonly Command[]) => cmds.flatMap((c) => [c.name(), ...c.aliases()]).sort();
const aiOf = (program: Command) => program.commands.find((c) => c.name() === 'ai')!;
const argv = (...args: string[]) => ['node', 'openfatture', ...args];

describe('command groups', () => {
  it.each(Object.keys(COMMAND_GROUPS) as CommandGroupName[])('the %s group registers exactly the commands routed to it', async (group) => {
    const program = await buildProgramWith([group]);
    expect(names(program.commands.filter((c) => c.name() !== 'ai'))).toEqual([...COMMAND_GROUPS[group].root].sort());
    expect(names(aiOf(program).commands)).toEqual([...COMMAND_GROUPS[group].ai].sort());
  });

  it('the full program has every command once, in the order of the root help', async () => {
    const program = await buildProgram();
    const top = program.commands.map((c) => c.name());
    expect(top).toEqual(['ai', 'init-db', 'config', 'cliente', 'prodotto', 'fattura', 'demo', 'import', 'serve', 'backup', 'restore', 'doctor']);
    expect(aiOf(program).commands.map((c) => c.name())).toEqual(['status', 'chat', 'rag', 'auto-update', 'retrain', 'forecast', 'backtest', 'evaluate', 'feedback']);
  });
});

describe('groupsFor', () => {
  const all = Object.keys(COMMAND_GROUPS);
  it('routes a command, after the global options, to the group that owns it', () => {
    expect(groupsFor(argv('fattura', 'lista'))).toEqual(['domain']);
    expect(groupsFor(argv('--data-dir', '/d', '-v', 'invoice', 'list', '--json'))).toEqual(['domain']);
    expect(groupsFor(argv('--env-file', 'x.env', 'ai', 'rag', 'search', 'Rossi'))).toEqual(['rag']);
    expect(groupsFor(argv('--env-file=x.env', 'ai', 'auto-update', 'pause'))).toEqual(['rag']);
    expect(groupsFor(argv('ai', 'retrain', 'rollback', '--version', '1.1.0'))).toEqual(['retrain']);
    expect(groupsFor(argv('ai', 'status'))).toEqual(['system']);
    expect(groupsFor(argv('doctor', '--fix'))).toEqual(['ops']);
  });

  it('loads nothing for --version and everything for help, no command or an unknown one', () => {
    expect(groupsFor(argv('--version'))).toEqual([]);
    expect(groupsFor(argv('-V'))).toEqual([]);
    for (const line of [argv(), argv('--help'), argv('-v'), argv('help', 'fattura'), argv('fatura', 'lista'), argv('ai'), argv('ai', '--help'), argv('ai', 'nonsense')]) {
      expect(groupsFor(line), line.join(' ')).toEqual(all);
    }
  });

  it('a routed program parses its command line like the full one (the command is there, with its options)', async () => {
    const line = argv('--data-dir', '/d', 'fattura', 'lista', '--limite', '5', '--json');
    const program = await buildProgram(line);
    const fattura = program.commands.find((c) => c.name() === 'fattura')!;
    const lista = fattura.commands.find((c) => c.name() === 'lista')!;
    expect(lista.options.map((o) => o.long)).toEqual(expect.arrayContaining(['--limite', '--json', '--anno']));
    expect(program.commands.find((c) => c.name() === 'serve')).toBeUndefined();
  });
});
